// State transitions shared by the PostgreSQL backend's operations, inside one transaction: making jobs ready,
// failing and expiring them, settling dependants and applying retention — the same rules as every backend.
import type { RetentionPolicy } from "../records.js";
import type { PgTx } from "./pg-tx.js";
import type { JobRow } from "./record-codec.js";
import type { JobState } from "../../job/job-state.js";

const RETENTION_BATCH = 1_000;

/** Makes jobs ready now and emits `waiting` for each. */
export async function toWaiting(tx: PgTx, queue: string, ids: string[], prev: JobState): Promise<void> {
  if (ids.length === 0) return;
  const rows = await tx.query<{ id: string; name: string }>("to_waiting", [queue, ids, tx.now, tx.outbox]);
  for (const row of rows) tx.emit(queue, "waiting", row, { prev });
}

/** Ends a job failed for good, settles its dependants and applies removeOnFail. */
export async function failJob(tx: PgTx, job: JobRow, reason: string, finishedAt: number): Promise<void> {
  await tx.query("finish_job", [job.queue, job.id, "failed", finishedAt, null, reason, null]);
  tx.emit(job.queue, "failed", job, {
    prev: job.state,
    failedReason: reason,
    attemptsMade: job.attempts_made,
  });
  await settleDependants(tx, [{ ...job, state: "failed", failed_reason: reason }]);
  await applyRetention(tx, job.queue, "failed", job.opts.removeOnFail);
}

/** Ends a waiting job expired and settles its dependants. */
export async function expireJob(tx: PgTx, job: JobRow): Promise<string> {
  const reason = `expired: not started within ttl of ${job.opts.ttl ?? 0} ms`;
  await tx.query("finish_job", [job.queue, job.id, "expired", tx.now, null, reason, null]);
  tx.emit(job.queue, "expired", job, { prev: job.state, failedReason: reason });
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
      await toWaiting(tx, dependant.queue, [dependant.id], "waiting-children");
    }
  }
}

/** Pending jobs were removed: the jobs waiting on them stop waiting for them, and run if nothing else is due. */
export async function releaseDependants(tx: PgTx, queue: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const dependants = await tx.query<JobRow>("find_dependants", [ids.map((id) => `${queue}:${id}`)]);
  for (const dependant of dependants) {
    if (await dependenciesMet(tx, dependant.depends_on, true)) {
      await toWaiting(tx, dependant.queue, [dependant.id], "waiting-children");
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

/** Removes finished jobs of a state beyond the policy's count, or older than its age. */
export async function applyRetention(
  tx: PgTx,
  queue: string,
  state: "completed" | "failed",
  policy: RetentionPolicy,
): Promise<number> {
  if (policy === false) return 0;
  const keep =
    policy === true ? 0 : typeof policy === "number" ? policy : (policy.count ?? Number.MAX_SAFE_INTEGER);
  const before = typeof policy === "object" && policy.age !== undefined ? tx.now - policy.age : 0;
  const ids = (
    await tx.query<{ id: string }>("retention_ids", [queue, state, keep, before, RETENTION_BATCH])
  ).map((row) => row.id);
  if (ids.length > 0) await tx.query("delete_jobs", [queue, ids]);
  return ids.length;
}
