// Claims batches of jobs while the worker has free slots. Never polls: each fetch waits on the backend.
import type { Backend } from "../backend/contract.js";
import type { JobRecord } from "../backend/records.js";
import { realTimeNow, sleepFor } from "../core/clock.js";
import { isClosedError } from "../errors/warren-error.js";
import { toError } from "./run-attempt.js";
import type { ResolvedWorkerOptions } from "./worker-options.js";

/** What the loop needs from its worker. */
export interface FetchLoopOptions {
  backend: Backend;
  queues: string[];
  workerId: string;
  options: ResolvedWorkerOptions;
  /** Jobs running now; the loop claims at most concurrency minus this. */
  runningCount: () => number;
  onJobs: (records: JobRecord[]) => void;
  onError: (error: unknown) => void;
  /** The backend was closed under the loop: it has stopped for good. */
  onBackendClosed: (error: Error) => void;
}

const ERROR_BACKOFF_BASE_MS = 100;
const ERROR_BACKOFF_MAX_MS = 5_000;

/** The worker's fetch loop: run / pause / resume / stop, woken when a slot frees. */
export class FetchLoop {
  /** When the last fetch returned (ms since epoch). */
  lastFetchAt: number | undefined;
  /**
   * Since when (real time) the loop has wanted a fetch to complete and none has: set when it starts fetching
   * with room for jobs, cleared by a completed fetch and while it waits with no room (paused, or full).
   */
  wantingSince: number | undefined;
  /** Why the last fetch failed, until one completes. */
  lastError: Error | undefined;
  /** The loop ended for good (stopped, or its backend was closed). */
  ended = false;
  private paused = false;
  private stopped = false;
  private inFlight: AbortController | undefined;
  private wakeUp: (() => void) | undefined;
  private loopDone: Promise<void> | undefined;

  constructor(private readonly config: FetchLoopOptions) {}

  /** The worker started: from now on it wants fetches, even before the loop runs (subscribe, register). */
  starting(): void {
    this.wantingSince ??= realTimeNow();
  }

  /** Runs until `stop`. */
  run(): Promise<void> {
    this.loopDone ??= this.loop();
    return this.loopDone;
  }

  pause(): void {
    this.paused = true;
    this.inFlight?.abort();
  }

  resume(): void {
    this.paused = false;
    this.wake();
  }

  isPaused(): boolean {
    return this.paused;
  }

  /** A running job finished: there may be room for another. */
  slotFreed(): void {
    this.wake();
  }

  /** Aborts the fetch in flight and waits for the loop to exit. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.inFlight?.abort();
    this.wake();
    await this.loopDone;
  }

  private wake(): void {
    const wake = this.wakeUp;
    this.wakeUp = undefined;
    wake?.();
  }

  private waitForWake(): Promise<void> {
    return new Promise((resolve) => {
      this.wakeUp = resolve;
    });
  }

  private async loop(): Promise<void> {
    try {
      await this.fetchUntilStopped();
    } finally {
      this.ended = true;
      this.wantingSince = undefined;
    }
  }

  private async fetchUntilStopped(): Promise<void> {
    const { backend, options } = this.config;
    let failures = 0;
    while (!this.stopped) {
      const free = options.concurrency - this.config.runningCount();
      if (this.paused || free <= 0) {
        this.wantingSince = undefined;
        await this.waitForWake();
        continue;
      }
      this.wantingSince ??= realTimeNow();
      const controller = new AbortController();
      this.inFlight = controller;
      // A fetch claims every free slot. Quick jobs all end before the loop wakes, so each claim is a full batch:
      // a statement's fixed cost is what bounds a store like PostgreSQL (c=100: claims of 50, half the slots,
      // ~8k jobs/s; of 100, ~10.5k). Slow jobs free their slots one by one, and each claim takes those freed
      // while the one before it was on the wire.
      try {
        const records = await backend.fetch({
          queues: this.config.queues,
          workerId: this.config.workerId,
          max: free,
          lockMs: options.lockDuration,
          maxStalledCount: options.maxStalledCount,
          limiter: options.limiter,
          groupLimits: options.groupLimits,
          signal: controller.signal,
          blockMs: options.blockMs,
        });
        failures = 0;
        this.lastFetchAt = backend.clock.now();
        this.wantingSince = undefined;
        this.lastError = undefined;
        // Claimed jobs are ours even if we are stopping: run them so close() can wait for them.
        if (records.length > 0) this.config.onJobs(records);
      } catch (error) {
        if (this.stopped) break;
        if (isClosedError(error)) {
          // Retrying a closed backend can never succeed: stop, and let the worker close itself.
          this.stopped = true;
          this.config.onBackendClosed(error);
          break;
        }
        this.lastError = toError(error);
        this.config.onError(error);
        failures += 1;
        const delay = Math.min(ERROR_BACKOFF_MAX_MS, ERROR_BACKOFF_BASE_MS * 2 ** failures);
        await sleepFor(delay * (0.5 + Math.random() / 2)).catch(() => undefined);
      } finally {
        this.inFlight = undefined;
      }
    }
  }
}
