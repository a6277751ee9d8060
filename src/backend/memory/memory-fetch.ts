// The memory store's pull claim: promote due delayed jobs, then claim the most urgent ready jobs across the
// matching queues; and the wait a delivery parks a fetch in until a transition, the next due time or a
// limiter window wakes it. Never polls.
import { realTimeNow } from "../../core/clock.js";
import { matchesTopic } from "../../core/topic-pattern.js";
import type { ReadyClaim, ReadyClaimRequest } from "../job-store.js";
import type { FetchRequest, JobRecord } from "../records.js";
import type { FairPick } from "./group-state.js";
import type { MemoryCore, Waiter } from "./memory-core.js";
import type { QueueState, StoredJob } from "./queue-state.js";

/** Claims up to `request.max` jobs now, never waiting. */
export function claimReady(core: MemoryCore, request: ReadyClaimRequest): ReadyClaim {
  const { queues, jobs } = claimNow(core, request, core.clock.now());
  return { jobs, queues: queues.map((queue) => queue.name), wakeAt: undefined };
}

/** Claims up to `request.max` jobs, waiting for work until `blockMs` passes or the signal aborts. */
export async function fetchJobs(core: MemoryCore, request: FetchRequest): Promise<JobRecord[]> {
  const deadline = realTimeNow() + request.blockMs;
  for (;;) {
    // A closed backend refuses, rather than answering "no work" at once: a caller looping on fetch would spin.
    core.assertOpen();
    if (request.signal.aborted) return [];
    const now = core.clock.now();
    const { queues, jobs } = claimNow(core, request, now);
    if (jobs.length > 0) return jobs;
    const remaining = deadline - realTimeNow();
    if (remaining <= 0) return [];
    await park(core, request, queues, now, remaining);
  }
}

/** Moves every delayed job of `queue` due by `now` to waiting; returns how many. */
export function promoteDue(core: MemoryCore, queue: QueueState, now: number): number {
  let promoted = 0;
  for (;;) {
    const head = queue.delayed.peek((entry) => queue.isLive(entry, "delayed"));
    if (!head || head.runAt > now) return promoted;
    queue.delayed.pop();
    core.toWaiting(queue, head.job, now, "delayed");
    promoted += 1;
  }
}

/** The unpaused queues matching the request, and what could be claimed from them at `now`. */
function claimNow(
  core: MemoryCore,
  request: ReadyClaimRequest,
  now: number,
): { queues: QueueState[]; jobs: JobRecord[] } {
  core.assertOpen();
  const queues = matchingQueues(core, request.queues);
  return { queues, jobs: claim(core, queues, request, now) };
}

function matchingQueues(core: MemoryCore, patterns: string[]): QueueState[] {
  const result: QueueState[] = [];
  for (const queue of core.queues.values()) {
    if (!queue.paused && patterns.some((pattern) => matchesTopic(pattern, queue.name))) result.push(queue);
  }
  return result;
}

function claim(core: MemoryCore, queues: QueueState[], request: ReadyClaimRequest, now: number): JobRecord[] {
  for (const queue of queues) promoteDue(core, queue, now);
  const claimed: JobRecord[] = [];
  while (claimed.length < request.max) {
    const next = pickNext(core, queues, request, now);
    if (!next) break;
    const { queue, pick, job } = next;
    pick.index.shift(pick.priority);
    if (job.opts.ttl !== undefined && (job.readyAt ?? now) + job.opts.ttl < now) {
      core.expireJob(queue, job, now);
      continue;
    }
    queue.served(pick, request.groupLimits, now);
    claimed.push(core.activate(queue, job, request, now));
  }
  return claimed;
}

/**
 * The next job over `queues`: each queue offers its fair pick (round-robin over groups), and across
 * queues the most urgent by (priority, sequence) goes first. Honours each queue's limiter.
 */
function pickNext(
  core: MemoryCore,
  queues: QueueState[],
  request: ReadyClaimRequest,
  now: number,
): { queue: QueueState; pick: FairPick; job: StoredJob } | undefined {
  let best: { queue: QueueState; pick: FairPick; job: StoredJob } | undefined;
  for (const queue of queues) {
    if (request.limiter && !core.limiterAllows(queue, request.limiter, now)) continue;
    const pick = queue.fairPick(request.groupLimits, now);
    if (!pick) continue;
    const { job } = pick.entry;
    if (
      !best ||
      pick.priority < best.pick.priority ||
      (pick.priority === best.pick.priority && job.seq < best.job.seq)
    ) {
      best = { queue, pick, job };
    }
  }
  return best;
}

/**
 * Parks until woken (a job became ready, or an earlier delayed job was added), the next delayed job or
 * limiter window is due, `remaining` ms pass, or abort.
 */
function park(
  core: MemoryCore,
  request: FetchRequest,
  queues: QueueState[],
  now: number,
  remaining: number,
): Promise<void> {
  let wakeIn = remaining;
  for (const queue of queues) {
    const head = queue.delayed.peek((entry) => queue.isLive(entry, "delayed"));
    if (head) wakeIn = Math.min(wakeIn, head.runAt - now);
    const oldest = queue.limiterStarts[0];
    if (request.limiter && oldest !== undefined && queue.limiterStarts.length >= request.limiter.max) {
      wakeIn = Math.min(wakeIn, oldest + request.limiter.duration - now);
    }
    const groupReset = queue.groupLimiterResetAt(request.groupLimits);
    if (groupReset !== undefined) wakeIn = Math.min(wakeIn, groupReset - now);
  }
  return new Promise<void>((resolve) => {
    const stop = new AbortController();
    const done = (): void => {
      core.waiters.delete(waiter);
      request.signal.removeEventListener("abort", done);
      stop.abort();
      resolve();
    };
    const waiter: Waiter = { patterns: request.queues, wake: done };
    core.waiters.add(waiter);
    request.signal.addEventListener("abort", done, { once: true });
    // The clock decides delayed/limiter wake-ups; a real-time cap bounds the wait when the clock is fake.
    core.clock.sleep(Math.max(0, wakeIn), stop.signal).then(done, () => undefined);
    const cap = setTimeout(done, remaining);
    stop.signal.addEventListener("abort", () => clearTimeout(cap), { once: true });
  });
}
