// Moves a store's outbox onto the broker: take ready entries (leased), publish them with confirms, then ack
// them in the store under the same lease. Passes are per queue and coalesced: a request joins a pass that has
// not started yet, and a request made while one runs gets exactly one pass after it.
import type { Clock } from "../../core/clock.js";
import type { Logger } from "../../logging/logger.js";
import type { JobStore } from "../job-store.js";
import type { Publisher } from "./publisher.js";

/** Most entries one take moves. */
export const OUTBOX_BATCH = 500;
/** How long a taken entry is held before another pass may publish it again (its publish never confirmed). */
export const OUTBOX_LEASE_MS = 10_000;

interface Pending {
  promise: Promise<void>;
  resolve: () => void;
}

interface QueuePasses {
  running: Promise<void> | undefined;
  /** The next pass, not started yet: requests join it. */
  next: Pending | undefined;
}

/** Publishes outbox entries for one backend. */
export class OutboxRelay {
  private readonly queues = new Map<string, QueuePasses>();
  private closed = false;

  constructor(
    private readonly store: JobStore,
    private readonly publisher: Publisher,
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void,
    private readonly logger: Logger,
  ) {}

  /**
   * A publish pass over `queue`'s outbox that starts after this call; resolves when it has ended. Failures are
   * reported, not thrown: the entries stay leased in the store and a later pass publishes them.
   */
  flush(queue: string): Promise<void> {
    let passes = this.queues.get(queue);
    if (!passes) this.queues.set(queue, (passes = { running: undefined, next: undefined }));
    if (passes.next) return passes.next.promise;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    passes.next = { promise, resolve };
    // Not at once: the store signals an outbox entry before the caller that caused it asks for a flush, and a
    // pass started in between would leave that caller a second round trip to the store.
    if (!passes.running) setImmediate(() => this.start(queue, passes));
    return promise;
  }

  private start(queue: string, passes: QueuePasses): void {
    const pass = passes.next;
    if (!pass) return;
    passes.next = undefined;
    passes.running = this.publishAll(queue).finally(() => {
      passes.running = undefined;
      pass.resolve();
      if (passes.next) setImmediate(() => this.start(queue, passes));
      else this.queues.delete(queue);
    });
  }

  private async publishAll(queue: string): Promise<void> {
    try {
      while (!this.closed) {
        const now = this.clock.now();
        const entries = await this.store.takeOutbox(queue, now, OUTBOX_BATCH, OUTBOX_LEASE_MS);
        if (entries.length === 0) return;
        await this.publisher.publishJobs(queue, entries);
        this.logger.debug({ queue, jobs: entries.length }, "outbox entries published");
        await this.store.ackOutbox(
          queue,
          entries.map((entry) => entry.id),
          now + OUTBOX_LEASE_MS,
        );
        if (entries.length < OUTBOX_BATCH) return;
      }
    } catch (error) {
      if (!this.closed) this.onError(error);
    }
  }

  /** Stops starting passes; waits for those running. */
  async close(): Promise<void> {
    this.closed = true;
    const running: Array<Promise<void>> = [];
    for (const passes of this.queues.values()) if (passes.running) running.push(passes.running);
    await Promise.all(running);
    for (const passes of this.queues.values()) passes.next?.resolve();
    this.queues.clear();
  }
}
