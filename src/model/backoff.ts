// Retry delays: pure functions of the attempt number and the stored backoff, so every backend retries alike.
// Model layer: it imports nothing above core/ and errors/.
import type { StoredBackoff } from "./job-record.js";

/** A named custom backoff: returns the delay in ms before the next try. */
export type BackoffStrategy = (attemptsMade: number, error: Error) => number;

/**
 * Delay before the next try after `attemptsMade` tries have failed (1 after the first failure).
 * `random` is injectable so jitter is testable.
 */
export function computeBackoff(
  backoff: StoredBackoff | undefined,
  attemptsMade: number,
  error: Error,
  strategies: Readonly<Record<string, BackoffStrategy>>,
  random: () => number = Math.random,
): number {
  if (!backoff) return 0;
  switch (backoff.type) {
    case "fixed":
      return applyJitter(backoff.delay, backoff.jitter, random);
    case "exponential": {
      const raw = backoff.delay * 2 ** Math.max(0, attemptsMade - 1);
      const capped = backoff.maxDelay === undefined ? raw : Math.min(raw, backoff.maxDelay);
      return applyJitter(capped, backoff.jitter, random);
    }
    case "custom": {
      const strategy = strategies[backoff.name];
      if (!strategy) {
        throw new Error(
          `backoff strategy "${backoff.name}" is not registered on this worker; pass it in the worker's backoffStrategies`,
        );
      }
      const delay = strategy(attemptsMade, error);
      if (!Number.isFinite(delay) || delay < 0) {
        throw new Error(
          `backoff strategy "${backoff.name}" returned ${delay}; it must return a delay in ms >= 0`,
        );
      }
      return delay;
    }
  }
}

/** Jitter j in [0, 1] spreads the delay uniformly over [delay·(1−j), delay]. */
function applyJitter(delay: number, jitter: number, random: () => number): number {
  if (jitter <= 0) return delay;
  return Math.round(delay * (1 - jitter * random()));
}
