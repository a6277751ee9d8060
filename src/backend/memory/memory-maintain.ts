// One maintenance pass over a memory queue: promote due jobs, recover expired leases, expire ttl jobs, apply
// age retention. The safety net: parked fetches already wake for due work on their own.
import { stalledTooOftenReason } from "../../model/job-state.js";
import type { MaintenanceReport } from "../records.js";
import { clearLock, type MemoryCore } from "./memory-core.js";
import { promoteDue } from "./memory-fetch.js";

/** Runs the pass at `now` and reports what it did. */
export function maintainQueue(core: MemoryCore, queueName: string, now: number): MaintenanceReport {
  const report: MaintenanceReport = { promoted: 0, stalled: 0, failedStalled: 0, expired: 0, removed: 0 };
  const queue = core.queues.get(queueName);
  if (!queue) return report;
  report.promoted = promoteDue(core, queue, now);
  for (const id of [...queue.byState.active]) {
    const job = queue.jobs.get(id)!;
    if ((job.lockExpiresAt ?? Infinity) >= now) continue;
    job.stalledCount += 1;
    report.stalled += 1;
    core.emit(queue.name, "stalled", job, { attemptsMade: job.attemptsMade });
    if (job.stalledCount > job.maxStalledCount) {
      report.failedStalled += 1;
      core.failJob(queue, job, stalledTooOftenReason(job.maxStalledCount), now);
    } else {
      clearLock(job);
      core.toWaiting(queue, job, now, "active");
    }
  }
  // A scan of every waiting job, skipped when none can expire.
  for (const id of queue.withTtl > 0 ? [...queue.byState.waiting] : []) {
    const job = queue.jobs.get(id)!;
    if (job.opts.ttl !== undefined && (job.readyAt ?? now) + job.opts.ttl < now) {
      core.expireJob(queue, job, now);
      report.expired += 1;
    }
  }
  const before = queue.jobs.size;
  const sample = (state: "completed" | "failed") => {
    const oldest = queue.byState[state].values().next().value;
    return oldest === undefined ? undefined : queue.jobs.get(oldest);
  };
  for (const state of ["completed", "failed"] as const) {
    const job = sample(state);
    const policy = state === "completed" ? job?.opts.removeOnComplete : job?.opts.removeOnFail;
    if (job && typeof policy === "object" && policy.age !== undefined) {
      core.applyRetention(queue, state, policy, now);
    }
  }
  report.removed = before - queue.jobs.size;
  return report;
}
