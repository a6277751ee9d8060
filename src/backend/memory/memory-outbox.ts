// The memory backend as a JobStore: claim jobs by id for a transport, and the outbox of ready jobs to publish.
import type { ClaimRequest, ClaimResult, OutboxEntry, PromoteResult } from "../job-store.js";
import { copyRecord, type MemoryCore } from "./memory-core.js";
import { promoteDue as promoteDueJobs } from "./memory-fetch.js";

/** Claims the named jobs; each id gets its own verdict (see ClaimResult). */
export function claimJobs(core: MemoryCore, request: ClaimRequest): ClaimResult[] {
  core.assertOpen();
  const now = core.clock.now();
  const queue = core.queues.get(request.queue);
  return request.ids.map((id): ClaimResult => {
    const job = queue?.jobs.get(id);
    if (!queue || !job) return { id, status: "gone" };
    if (job.state === "delayed" || job.state === "waiting-children") return { id, status: "not-ready" };
    if (job.state !== "waiting") return { id, status: "gone" };
    if (queue.paused) return { id, status: "paused" };
    if (request.limiter && !core.limiterAllows(queue, request.limiter, now)) {
      return { id, status: "limited", retryAt: (queue.limiterStarts[0] ?? now) + request.limiter.duration };
    }
    if (job.opts.ttl !== undefined && (job.readyAt ?? now) + job.opts.ttl < now) {
      core.expireJob(queue, job, now);
      return { id, status: "expired", record: copyRecord(job) };
    }
    const retryAt = queue.claimInGroup(job, request.groupLimits, now);
    if (retryAt !== undefined) return { id, status: "limited", retryAt };
    return { id, status: "claimed", record: core.activate(queue, job, request, now) };
  });
}

/** Outbox entries due for publishing, leased for `leaseMs`. */
export function takeOutbox(
  core: MemoryCore,
  queueName: string,
  now: number,
  limit: number,
  leaseMs: number,
): OutboxEntry[] {
  const queue = core.queues.get(queueName);
  if (!queue) return [];
  const taken: OutboxEntry[] = [];
  for (const [id, leasedUntil] of queue.outbox) {
    if (taken.length >= limit) break;
    const job = queue.jobs.get(id);
    if (!job || job.state !== "waiting") {
      queue.outbox.delete(id);
      continue;
    }
    if (leasedUntil > now) continue;
    queue.outbox.set(id, now + leaseMs);
    taken.push({ id, name: job.name, data: job.data, priority: job.opts.priority, trace: job.trace });
  }
  return taken;
}

/** Forgets entries still under the lease they were taken with; a newer entry of the same job stays. */
export function ackOutbox(core: MemoryCore, queueName: string, ids: string[], leasedUntil: number): void {
  core.assertOpen();
  const outbox = core.queues.get(queueName)?.outbox;
  if (!outbox) return;
  for (const id of ids) if (outbox.get(id) === leasedUntil) outbox.delete(id);
}

/** Promotes due delayed jobs of one queue now; says when the next one is due. */
export function promoteDue(core: MemoryCore, queueName: string, now: number): PromoteResult {
  core.assertOpen();
  const queue = core.queues.get(queueName);
  if (!queue) return { promoted: 0, nextDueAt: undefined };
  const promoted = promoteDueJobs(core, queue, now);
  return { promoted, nextDueAt: queue.delayed.peek((entry) => queue.isLive(entry, "delayed"))?.runAt };
}

/** Gives waiting jobs ready since before `readyBefore`, and missing from the outbox, an entry again. */
export function rearmStale(core: MemoryCore, queueName: string, readyBefore: number, limit: number): number {
  core.assertOpen();
  const queue = core.queues.get(queueName);
  if (!queue) return 0;
  let rearmed = 0;
  for (const id of queue.byState.waiting) {
    if (rearmed >= limit) break;
    const job = queue.jobs.get(id)!;
    if (queue.outbox.has(id) || (job.readyAt ?? 0) >= readyBefore) continue;
    core.recordReady(queue, job);
    rearmed += 1;
  }
  return rearmed;
}
