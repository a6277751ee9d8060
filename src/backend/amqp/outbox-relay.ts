// Moves a store's outbox onto the broker: take ready entries (leased), publish them with confirms, then ack
// them in the store under the same lease. Passes are per queue and coalesced: a request joins a pass that has
// not taken yet, and a request made after a pass took gets the next one. Passes overlap: the next may take as
// soon as the one before has taken (the lease keeps them apart), and a pass's callers are released once its
// entries are confirmed, with the store's ack left to finish behind them. One pass at a time, from request to
// ack, made an add wait for every round trip of the pass before it as well as its own: at 1,000 adds/s an add
// to amqp+redis took 27 ms (p50), four round trips of ~1–6 ms each plus the queue behind them.
import type { Clock } from "../../core/clock.js";
import type { Logger } from "../../logging/logger.js";
import type { JobStore, OutboxEntry } from "../job-store.js";
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
  /** A pass is taking from the store: requests join the next pass, which takes once this take returned. */
  taking: boolean;
  /** The next pass, not started yet: requests join it. */
  next: Pending | undefined;
  /** Passes started and not yet published. */
  inFlight: number;
  /**
   * Settles when the latest pass started has published. A pass's callers wait for it too: entries made ready
   * before their request may have been taken by the pass before theirs, still publishing.
   */
  published: Promise<void>;
}

/** Publishes outbox entries for one backend. */
export class OutboxRelay {
  private readonly queues = new Map<string, QueuePasses>();
  /** Passes still publishing or acking, for close. */
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly store: JobStore,
    private readonly publisher: Publisher,
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void,
    private readonly logger: Logger,
  ) {}

  /**
   * A publish pass over `queue`'s outbox that takes after this call; resolves when the entries it took are
   * confirmed by the broker (or their publish failed). Failures are reported, not thrown: the entries stay
   * leased in the store and a later pass publishes them.
   */
  flush(queue: string): Promise<void> {
    let passes = this.queues.get(queue);
    if (!passes) {
      passes = { taking: false, next: undefined, inFlight: 0, published: Promise.resolve() };
      this.queues.set(queue, passes);
    }
    if (passes.next) return passes.next.promise;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    passes.next = { promise, resolve };
    // Not at once: the store signals an outbox entry before the caller that caused it asks for a flush, and a
    // pass started in between would leave that caller a second round trip to the store.
    if (!passes.taking) setImmediate(() => this.start(queue, passes));
    return promise;
  }

  private start(queue: string, passes: QueuePasses): void {
    const pass = passes.next;
    if (!pass || passes.taking) return;
    passes.next = undefined;
    passes.taking = true;
    passes.inFlight += 1;
    const forget = (): void => {
      if (!passes.taking && !passes.next && passes.inFlight === 0 && this.queues.get(queue) === passes)
        this.queues.delete(queue);
    };
    const tookAll = (): void => {
      passes.taking = false;
      if (passes.next) setImmediate(() => this.start(queue, passes));
    };
    // This pass's own promise marks its publish for the pass after it.
    const before = passes.published;
    passes.published = pass.promise;
    const published = (): void => {
      void before.then(() => {
        passes.inFlight -= 1;
        pass.resolve();
        forget();
      });
    };
    const running = this.publishAll(queue, tookAll, published).finally(() => this.running.delete(running));
    this.running.add(running);
  }

  /**
   * Takes and publishes until the outbox has no more than one batch left; `tookAll` runs once the last take
   * returned (the next pass may take then), `published` once every entry taken is confirmed or failed.
   */
  private async publishAll(queue: string, tookAll: () => void, published: () => void): Promise<void> {
    const acks: Array<Promise<void>> = [];
    let took = false;
    try {
      while (!this.closed) {
        const now = this.clock.now();
        const entries = await this.store.takeOutbox(queue, now, OUTBOX_BATCH, OUTBOX_LEASE_MS);
        const last = entries.length < OUTBOX_BATCH;
        if (last) {
          took = true;
          tookAll();
        }
        if (entries.length === 0) break;
        await this.publisher.publishJobs(queue, entries);
        this.logger.debug({ queue, jobs: entries.length }, "outbox entries published");
        // Behind the callers: until it lands the entries stay leased, and a lost ack only means a republish
        // after the lease, which a claim by job id absorbs.
        acks.push(
          this.store
            .ackOutbox(
              queue,
              entries.map((entry) => entry.id),
              now + OUTBOX_LEASE_MS,
            )
            .catch((error: unknown) => {
              if (!this.closed) this.onError(error);
            }),
        );
        if (last) break;
      }
    } catch (error) {
      if (!this.closed) this.onError(error);
    } finally {
      if (!took) tookAll();
      published();
    }
    await Promise.all(acks);
  }

  /**
   * Publishes entries the store wrote leased until `leasedUntil` for this caller (StoreEnqueueOptions), then
   * acks them behind it. Resolves once they are confirmed or their publish failed (reported): failed ones stay
   * in the outbox and a pass takes them when the lease ends.
   */
  async publishLeased(queue: string, entries: OutboxEntry[], leasedUntil: number): Promise<void> {
    if (entries.length === 0 || this.closed) return;
    try {
      await this.publisher.publishJobs(queue, entries);
    } catch (error) {
      if (!this.closed) this.onError(error);
      return;
    }
    const ack = this.store
      .ackOutbox(
        queue,
        entries.map((entry) => entry.id),
        leasedUntil,
      )
      .catch((error: unknown) => {
        if (!this.closed) this.onError(error);
      })
      .finally(() => this.running.delete(ack));
    this.running.add(ack);
  }

  /** Stops starting passes; waits for those running, acks included. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.running]);
    for (const passes of this.queues.values()) passes.next?.resolve();
    this.queues.clear();
  }
}
