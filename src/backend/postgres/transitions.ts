// State transitions shared by the PostgreSQL backend's operations, inside one transaction: making jobs ready,
// failing and expiring them, settling dependants and applying retention — the same rules as every backend.
import type { RetentionPolicy } from "../records.js";
import { startedAt } from "./event-times.js";
import type { PgTx } from "./pg-tx.js";
import type { JobRow } from "./record-codec.js";
import type { JobState } from "../../model/job-state.js";

const RETENTION_BATCH = 1_000;

/** Makes jobs ready now and emits `waiting` for each. */
export async function toWaiting(tx: PgTx, queue: string, ids: string[], prev: JobState): Promise<void> {
  if (ids.length === 0) return;
  const rows = await tx.query<{ id: string; name: string }>("to_waiting", [queue, ids, tx.now, tx.outbox]);
  for (const row of rows) tx.emit(queue, "waiting", row, { prev });
  if (tx.outbox && rows.length > 0) tx.outboxFilled.add(queue);
}

/** Jobs whose dependencies are met: ready now, or delayed until their own run time. */
export async function release(tx: PgTx, jobs: JobRow[], prev: JobState): Promise<void> {
  const byQueue = new Map<string, { now: string[]; later: string[] }>();
  for (const job of jobs) {
    let split = byQueue.get(job.queue);
    if (!split) byQueue.set(job.queue, (split = { now: [], later: [] }));
    (Number(job.run_at) > tx.now ? split.later : split.now).push(job.id);
  }
  for (const [queue, split] of byQueue) {
    await toWaiting(tx, queue, split.now, prev);
    if (split.later.length === 0) continue;
    const delayed = await tx.query<{ id: string; name: string; run_at: string }>("to_delayed", [
      queue,
      split.later,
    ]);
    for (const row of delayed) tx.emit(queue, "delayed", row, { prev, runAt: Number(row.run_at) });
  }
}

/** Ends a job failed for good, settles its dependants and applies removeOnFail. */
export async function failJob(tx: PgTx, job: JobRow, reason: string, finishedAt: number): Promise<void> {
  await tx.query("finish_job", [job.queue, job.id, "failed", finishedAt, null, reason, null]);
  tx.emit(job.queue, "failed", job, {
    prev: job.state,
    failedReason: reason,
    attemptsMade: job.attempts_made,
    ...(job.state === "active" ? startedAt(job) : {}),
  });
  if (tx.outbox) tx.deadLetters.push({ queue: job.queue, id: job.id, reason });
  await settleDependants(tx, [{ ...job, state: "failed", failed_reason: reason }]);
  await applyRetention(tx, job.queue, "failed", job.opts.removeOnFail, [job.id]);
}

/** Ends a waiting job expired and settles its dependants. */
export async function expireJob(tx: PgTx, job: JobRow): Promise<string> {
  const reason = `expired: not started within ttl of ${job.opts.ttl ?? 0} ms`;
  await tx.query("finish_job", [job.queue, job.id, "expired", tx.now, null, reason, null]);
  tx.emit(job.queue, "expired", job, { prev: job.state, failedReason: reason });
  if (tx.outbox) tx.deadLetters.push({ queue: job.queue, id: job.id, reason });
  await settleDependants(tx, [{ ...job, state: "expired", failed_reason: reason }]);
  return reason;
}

/** Jobs that just ended release (or fail) the jobs waiting on them, in any queue of the schema. */
export async function settleDependants(tx: PgTx, ended: JobRow[]): Promise<void> {
  if (ended.length === 0) return;
  const byRef = new Map(ended.map((job) => [`${job.queue}:${job.id}`, job]));
  const dependants = await tx.query<JobRow>("find_dependants", [[...byRef.keys()]]);
  for (const dependant of dependants) {
    const failedDependency = dependant.depends_on
      .map((ref) => byRef.get(ref))
      .find((job) => job && job.state !== "completed" && job.opts.failParentOnFailure);
    if (failedDependency) {
      const reason =
        `dependency ${failedDependency.queue}:${failedDependency.id} ${failedDependency.state}: ` +
        `${failedDependency.failed_reason ?? failedDependency.state}`;
      await failJob(tx, dependant, reason, tx.now);
    } else if (await dependenciesMet(tx, dependant.depends_on, true)) {
      await release(tx, [dependant], "waiting-children");
    }
  }
}

/** Pending jobs were removed: the jobs waiting on them stop waiting for them, and run if nothing else is due. */
export async function releaseDependants(tx: PgTx, queue: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const dependants = await tx.query<JobRow>("find_dependants", [ids.map((id) => `${queue}:${id}`)]);
  for (const dependant of dependants) {
    if (await dependenciesMet(tx, dependant.depends_on, true)) {
      await release(tx, [dependant], "waiting-children");
    }
  }
}

/**
 * Whether every reference is completed, or failed with failParentOnFailure off. A missing one counts as met
 * only when `missingMet` (it was removed after the dependant was added; at add time it is a later record).
 */
export async function dependenciesMet(tx: PgTx, refs: string[], missingMet = false): Promise<boolean> {
  if (refs.length === 0) return true;
  const rows = await tx.query<{ ref: string; state: JobState; fail_parent: boolean }>("find_refs", [refs]);
  if (!missingMet && rows.length < new Set(refs).size) return false;
  return rows.every(
    (row) =>
      row.state === "completed" ||
      ((row.state === "failed" || row.state === "cancelled" || row.state === "expired") && !row.fail_parent),
  );
}

/**
 * Applies a retention policy: `true` removes the jobs that just finished (`ids`) and no other; a count keeps
 * the newest N of the state, an age removes those finished longer ago (both trim the queue's whole set).
 */
export async function applyRetention(
  tx: PgTx,
  queue: string,
  state: "completed" | "failed",
  policy: RetentionPolicy,
  ids: string[] = [],
): Promise<number> {
  if (policy === false) return 0;
  if (policy === true) {
    if (ids.length > 0) await tx.query("delete_jobs", [queue, ids]);
    return ids.length;
  }
  const keep = typeof policy === "number" ? policy : (policy.count ?? Number.MAX_SAFE_INTEGER);
  const before = typeof policy === "object" && policy.age !== undefined ? tx.now - policy.age : 0;
  const old = (
    await tx.query<{ id: string }>("retention_ids", [queue, state, keep, before, RETENTION_BATCH])
  ).map((row) => row.id);
  if (old.length > 0) await tx.query("delete_jobs", [queue, old]);
  return old.length;
}
