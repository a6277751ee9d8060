// Small helpers of the Redis backend's loops.
import { randomToken } from "../../core/ids.js";
import type { GroupLimits, RateLimit } from "../records.js";

/** Items grouped by key, in first-seen order. */
export function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Resolves after `ms`, or at once when the signal aborts. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * The claim scripts' shared arguments (claim-jobs after now and max, claim-job-ids after now): the lease to
 * take, the limits to honour, a fresh token prefix, and the outbox flag.
 */
export function leaseArgs(
  request: {
    workerId: string;
    lockMs: number;
    maxStalledCount: number;
    limiter: RateLimit | undefined;
    groupLimits?: GroupLimits | undefined;
  },
  outbox: string,
): Array<string | number> {
  return [
    request.workerId,
    request.lockMs,
    request.maxStalledCount,
    request.limiter?.max ?? 0,
    request.limiter?.duration ?? 0,
    randomToken(9),
    outbox,
    ...groupLimitArgs(request.groupLimits),
  ];
}

/** Group limits as the claim scripts read them: concurrency, limiter max, limiter duration (0 = none). */
export function groupLimitArgs(limits: GroupLimits | undefined): [number, number, number] {
  return [limits?.concurrency ?? 0, limits?.limiter?.max ?? 0, limits?.limiter?.duration ?? 0];
}
