// One try's outcome in the memory store: completed, failed (retried now, later, or for good) or cancelled.
import type { FinishStatus, Outcome } from "../records.js";
import { clearLock, type MemoryCore } from "./memory-core.js";
import type { StoredJob } from "./queue-state.js";

const MAX_STACKTRACE_ENTRIES = 10;

/** Records `outcome` at `now`; "lock-lost" when its lock token is not the job's current one. */
export function finishOutcome(core: MemoryCore, outcome: Outcome, now: number): FinishStatus {
  const queue = core.queues.get(outcome.lock.queue);
  const job = queue?.jobs.get(outcome.lock.id);
  if (!queue || !job || job.state !== "active" || job.lockToken !== outcome.lock.token) return "lock-lost";
  clearLock(job);
  switch (outcome.kind) {
    case "completed":
      job.returnValue = outcome.returnValue;
      job.finishedAt = outcome.finishedAt;
      if (job.opts.removeOnComplete === true) queue.moveUnlisted(job, "completed");
      else queue.move(job, "completed");
      // Checked first: the fields are built per job, and with only workers listening nobody wants them.
      if (core.hub.wants("completed")) {
        core.emit(queue.name, "completed", job, {
          prev: "active",
          attemptsMade: job.attemptsMade,
          ...startedAt(job),
          ...(outcome.returnValue === undefined ? {} : { value: outcome.returnValue }),
        });
      }
      core.settleDependants(queue, job, now);
      core.applyRetention(queue, "completed", job.opts.removeOnComplete, now, job);
      return "ok";
    case "failed":
      job.stacktrace = [...job.stacktrace, outcome.stacktrace.join("\n")].slice(-MAX_STACKTRACE_ENTRIES);
      if (outcome.retryAt === undefined) {
        job.finishedAt = outcome.finishedAt;
        core.failJob(queue, job, outcome.reason, now);
        return "ok";
      }
      job.failedReason = outcome.reason;
      // Stamped with the try's finish time, so runAt − timestamp is exactly the backoff the worker chose.
      core.emit(queue.name, "retrying", job, {
        timestamp: outcome.finishedAt,
        prev: "active",
        attemptsMade: job.attemptsMade,
        failedReason: outcome.reason,
        runAt: outcome.retryAt,
        ...startedAt(job),
      });
      if (outcome.retryAt > now) {
        job.runAt = outcome.retryAt;
        queue.move(job, "delayed");
        core.emit(queue.name, "delayed", job, { prev: "active", runAt: outcome.retryAt });
        core.notify(queue.name);
      } else {
        core.toWaiting(queue, job, now, "active");
      }
      return "ok";
    case "cancelled":
      job.failedReason = outcome.reason;
      job.finishedAt = outcome.finishedAt;
      queue.move(job, "cancelled");
      core.emit(queue.name, "cancelled", job, { prev: "active", failedReason: outcome.reason });
      core.settleDependants(queue, job, now);
      return "ok";
  }
}

/** The start of the try that just ended, for its run time. */
function startedAt(job: StoredJob): { processedAt?: number } {
  return job.processedAt === undefined ? {} : { processedAt: job.processedAt };
}
