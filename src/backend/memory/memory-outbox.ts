// The memory backend as a JobStore: claim jobs by id for a transport, and the outbox of ready jobs to publish.
import type { ClaimRequest, ClaimResult, OutboxEntry } from "../job-store.js";
import { copyRecord, type MemoryCore } from "./memory-core.js";

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
    taken.push({ id, name: job.name, data: job.data, priority: job.opts.priority });
  }
  return taken;
}
