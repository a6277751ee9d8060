// Time as a dependency: production uses the system clock, tests inject a FakeClock and move it.

/** A source of time. Every component that reads time takes one. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` of this clock's time, or rejects with the signal's reason when it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = Object.freeze({
  now: () => realTimeNow(),
  sleep: (ms: number, signal?: AbortSignal) => sleepFor(ms, signal),
});

/**
 * Real time (ms since the epoch), for bounding a wait that a real timer or socket ends: a fetch's blockMs, a
 * connect timeout, how often a housekeeping loop calls the server. Such a bound read from a FakeClock would never
 * pass, and the wait would never end. Every time a job, lease, lock or schedule carries reads the injected
 * {@link Clock} instead. Lint forbids reading the system time anywhere else in `src/`.
 */
export function realTimeNow(): number {
  return Date.now();
}

/** Real-time sleep that honours an AbortSignal and never keeps the process alive past an abort. */
export function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The reason an AbortSignal carries, as an Error. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(typeof reason === "string" ? reason : "aborted");
}
