// The common add in one statement (see enqueue_one.sql): one plain job, stored and announced without a
// transaction around it. Everything else (batches, dedupe keys, dependencies, groups, an id that exists
// already) takes enqueueJobs' transaction.
import type { EnqueueResult, NewJobRecord } from "../records.js";
import type { PgTx } from "./pg-tx.js";
import { decodeRow, type JobRow } from "./record-codec.js";
import { announceNewJob, newJobRow } from "./new-job-row.js";

/** Whether a batch is the one plain job enqueue_one stores on its own. */
export function isPlainSingleAdd(records: NewJobRecord[]): boolean {
  if (records.length !== 1) return false;
  const { opts } = records[0]!;
  return opts.dedupe === undefined && opts.dependsOn.length === 0 && opts.group === undefined;
}

/** Stores and announces the job in one statement; undefined when its id exists (take the general path). */
export async function enqueueOne(
  tx: PgTx,
  channel: string,
  record: NewJobRecord,
  outboxLeasedUntil: number | undefined,
): Promise<EnqueueResult | undefined> {
  const row = newJobRow(tx, record, undefined, outboxLeasedUntil);
  announceNewJob(tx, record, row.state);
  const [stored] = await tx.query<JobRow>("enqueue_one", [JSON.stringify([row]), channel, tx.takePayloads()]);
  if (!stored) return undefined;
  if (row.outbox_at === 0) tx.outboxFilled.add(record.queue);
  return { record: decodeRow(stored), created: true };
}
