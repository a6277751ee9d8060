// Maintenance of a PostgreSQL queue, each pass inside one transaction: promote due delayed jobs, recover
// stalled ones, expire ttl jobs, apply age retention. A fetch promotes and expires first when its queue row
// says either is due; a transport promotes on its own timers.
import { stalledTooOftenReason } from "../../model/job-state.js";
import type { PromoteResult } from "../job-store.js";
import type { MaintenanceReport } from "../records.js";
import type { PgTx } from "./pg-tx.js";
import type { JobRow } from "./record-codec.js";
import { applyRetention, expireJob, failJob, toWaiting } from "./transitions.js";

/** Most rows one statement of a pass takes; the next pass takes the rest. */
const BATCH = 1_000;

/** Promotes the due delayed jobs of a queue now, for a transport; says when the next one is due. */
export async function promoteDueJobs(tx: PgTx, queue: string, now: number): Promise<PromoteResult> {
  const due = (await tx.query<{ id: string }>("due_delayed", [queue, now, BATCH])).map((row) => row.id);
  await toWaiting(tx, queue, due, "delayed");
  return { promoted: due.length, nextDueAt: await nextDue(tx, queue) };
}

/** Promotes due delayed jobs and expires stale ttl jobs of a queue. Returns how many of each. */
export async function promoteAndExpire(
  tx: PgTx,
  queue: string,
  now: number,
): Promise<{ promoted: number; expired: number }> {
  const due = (await tx.query<{ id: string }>("due_delayed", [queue, now, BATCH])).map((row) => row.id);
  await toWaiting(tx, queue, due, "delayed");
  const stale = (await tx.query<{ id: string }>("due_ttl", [queue, now, BATCH])).map((row) => row.id);
  if (stale.length > 0) {
    for (const row of await tx.query<JobRow>("lock_jobs", [queue, stale])) await expireJob(tx, row);
  }
  return { promoted: due.length, expired: stale.length };
}

/** When the next delayed job of a queue is due, if any; in a transaction or on its own. */
export async function nextDue(db: Pick<PgTx, "query">, queue: string): Promise<number | undefined> {
  const [row] = await db.query<{ due: string | null }>("next_due", [queue]);
  return row?.due == null ? undefined : Number(row.due);
}

/** One maintenance pass: promote, recover stalled, expire ttl, age retention. */
export async function maintainQueue(tx: PgTx, queue: string, now: number): Promise<MaintenanceReport> {
  const { promoted, expired } = await promoteAndExpire(tx, queue, now);
  let stalled = 0;
  let failedStalled = 0;
  for (const row of await tx.query<JobRow>("expired_leases", [queue, now, BATCH])) {
    const [count] = await tx.query<{ stalled_count: number }>("count_stall", [queue, row.id]);
    stalled += 1;
    tx.emit(queue, "stalled", row, { attemptsMade: row.attempts_made });
    if ((count?.stalled_count ?? 0) > row.max_stalled) {
      failedStalled += 1;
      await failJob(tx, row, stalledTooOftenReason(row.max_stalled), now);
    } else {
      await toWaiting(tx, queue, [row.id], "active");
    }
  }
  let removed = 0;
  for (const state of ["completed", "failed"] as const) {
    const [oldest] = await tx.query<{ opts: JobRow["opts"] }>("oldest_finished", [queue, state]);
    const policy = state === "completed" ? oldest?.opts.removeOnComplete : oldest?.opts.removeOnFail;
    if (typeof policy === "object" && policy.age !== undefined)
      removed += await applyRetention(tx, queue, state, policy);
  }
  return { promoted, stalled, failedStalled, expired, removed };
}
