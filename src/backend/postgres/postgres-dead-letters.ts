// The PostgreSQL store's dead-letter replay, in one transaction: the row lock makes a concurrent replay of
// the same job wait, then see it waiting and change nothing.
import type { JobRecord } from "../records.js";
import { lockJob } from "./postgres-admin.js";
import type { PgTx } from "./pg-tx.js";
import { decodeRow } from "./record-codec.js";
import { toWaiting } from "./transitions.js";

/** A failed or expired job back to waiting with a fresh attempt budget; undefined when it is neither. */
export async function replayDeadLetter(tx: PgTx, queue: string, id: string): Promise<JobRecord | undefined> {
  const row = await lockJob(tx, queue, id);
  if (!row || (row.state !== "failed" && row.state !== "expired")) return undefined;
  await tx.query("reset_for_retry", [queue, id]);
  await toWaiting(tx, queue, [id], row.state);
  const replayed = await lockJob(tx, queue, id);
  return replayed ? decodeRow(replayed) : undefined;
}
