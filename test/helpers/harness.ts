// Per-test resources for contract and integration tests: unique queue names, and automatic cleanup
// (workers force-closed, queues obliterated, backends closed) even when the test fails.
import { randomBytes } from "node:crypto";
import { afterEach, expect } from "vitest";
import {
  isClosedError,
  Queue,
  QueueEvents,
  Worker,
  type Backend,
  type Processor,
  type QueueEventName,
  type QueueEvent,
  type QueueOptions,
  type WorkerOptions,
} from "../../src/index.js";

/** A queue name no other test uses. */
export function uniqueQueueName(prefix = "t"): string {
  return `${prefix}-${randomBytes(5).toString("hex")}`;
}

/** Creates resources for one test and cleans them up after it. */
export interface Harness {
  /** A fresh backend from the suite's factory. */
  backend(): Promise<Backend>;
  queue<D = unknown, R = unknown>(
    backend: Backend,
    name?: string,
    options?: Omit<QueueOptions, "backend">,
  ): Queue<D, R>;
  worker<D = unknown, R = unknown>(
    backend: Backend,
    name: string,
    processor: Processor<D, R>,
    options?: Omit<WorkerOptions, "backend">,
  ): Worker<D, R>;
  /** QueueEvents that records every event; resolves once subscribed. */
  events(backend: Backend, name: string): Promise<RecordedEvents>;
}

/** Events recorded by {@link Harness.events}. */
export interface RecordedEvents {
  events: QueueEvents;
  log: QueueEvent[];
  /** Events of one job, as `event` names in order. */
  of(jobId: string): QueueEventName[];
}

const ALL_EVENTS: QueueEventName[] = [
  "added",
  "waiting",
  "delayed",
  "waiting-children",
  "active",
  "progress",
  "log",
  "completed",
  "failed",
  "retrying",
  "stalled",
  "cancelled",
  "cancel-requested",
  "expired",
  "removed",
  "drained",
  "paused",
  "resumed",
  "cleaned",
];

/** Registers afterEach cleanup and returns the resource factory. */
export function useHarness(create: () => Backend | Promise<Backend>): Harness {
  let cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    const pending = cleanups.reverse();
    cleanups = [];
    for (const cleanup of pending) {
      try {
        await cleanup();
      } catch (error) {
        // A test that closed its backend on purpose leaves handles whose cleanup can only say so.
        if (!isClosedError(error)) console.warn("cleanup failed:", error);
      }
    }
  });
  return {
    async backend() {
      const backend = await create();
      cleanups.push(() => backend.close());
      return backend;
    },
    queue<D, R>(backend: Backend, name = uniqueQueueName(), options: Omit<QueueOptions, "backend"> = {}) {
      const queue = new Queue<D, R>(name, { ...options, backend });
      cleanups.push(async () => {
        await queue.obliterate({ force: true });
        await queue.close();
      });
      return queue;
    },
    worker<D, R>(
      backend: Backend,
      name: string,
      processor: Processor<D, R>,
      options: Omit<WorkerOptions, "backend"> = {},
    ) {
      // The defaults a user gets: a test that needs a lowered timing knob to pass is hiding a bug.
      const worker = new Worker<D, R>(name, processor, { ...options, backend });
      worker.on("error", () => undefined);
      cleanups.push(() => worker.close({ force: true }));
      return worker;
    },
    async events(backend: Backend, name: string) {
      const events = new QueueEvents(name, { backend });
      const log: QueueEvent[] = [];
      for (const event of ALL_EVENTS) events.on(event, (e) => log.push(e));
      cleanups.push(() => events.close());
      await events.waitUntilReady();
      return { events, log, of: (jobId: string) => log.filter((e) => e.jobId === jobId).map((e) => e.event) };
    },
  };
}

/** A promise with its resolve function exposed, for processors that wait on the test. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Asserts that no window of `duration` ms holds more than `max` of these start times (a sliding limiter). */
export function expectWithinLimiter(starts: number[], limiter: { max: number; duration: number }): void {
  for (const start of starts) {
    const inWindow = starts.filter((t) => t >= start && t < start + limiter.duration).length;
    expect(inWindow).toBeLessThanOrEqual(limiter.max);
  }
}
