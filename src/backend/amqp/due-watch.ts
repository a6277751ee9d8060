// Exact time on the RabbitMQ transport. Delayed jobs, retries with backoff and schedule slots wait in the store;
// each process that consumes a queue keeps a timer at the queue's earliest due time, promotes the due jobs into
// the outbox when it fires and publishes them at once. A process that makes work due earlier (an add, a retry)
// arms its own timer and announces it on the events exchange, so every other consumer re-arms too.
import type { Clock } from "../../core/clock.js";
import { matchesTopic } from "../../core/topic-pattern.js";
import type { JobStore } from "../job-store.js";
import type { AmqpConnection } from "./connection.js";
import { ControlChannel } from "./control-channel.js";
import { DueTimers } from "./due-timers.js";
import type { OutboxRelay } from "./outbox-relay.js";
import type { Publisher } from "./publisher.js";
import type { TopologyNames } from "./topology.js";
import type { TopologyDeclarer } from "./topology-declarer.js";

/** A failed promotion is tried again after this long. */
const RETRY_AFTER_FAILURE_MS = 1_000;

/** What the watch needs from its backend. */
export interface DueWatchContext {
  store: JobStore;
  relay: OutboxRelay;
  publisher: Publisher;
  connection: AmqpConnection;
  names: TopologyNames;
  topology: TopologyDeclarer;
  clock: Clock;
  /** The queues consumed in this process now. */
  consumedQueues: () => string[];
  onError: (error: unknown) => void;
}

/** Keeps consumed queues' due jobs flowing on time. */
export class DueWatch {
  private readonly timers: DueTimers;
  private readonly control: ControlChannel;
  private readonly patterns = new Set<string>();
  private closed = false;

  constructor(private readonly ctx: DueWatchContext) {
    this.timers = new DueTimers(ctx.clock, (queue) => void this.promote(queue));
    this.control = new ControlChannel(
      ctx.connection,
      ctx.names,
      ctx.topology,
      (queue, dueAt) => this.arm(queue, dueAt),
      () => void this.rereadAll(),
      ctx.onError,
    );
  }

  /** Workers here consume queues matching `patterns`: hear other processes' notices for them. */
  async watch(patterns: string[]): Promise<void> {
    for (const pattern of patterns) this.patterns.add(pattern);
    await this.control.listen(patterns);
  }

  /** A queue is now consumed here: arm on its earliest due time. */
  async consumed(queue: string): Promise<void> {
    this.arm(queue, await this.ctx.store.nextDueAt(queue));
  }

  /** Work of `queue` made here is due at `dueAt`: arm here and tell every other consumer. */
  due(queue: string, dueAt: number): void {
    this.arm(queue, dueAt);
    this.ctx.publisher.announceDue(queue, dueAt).catch(this.ctx.onError);
  }

  /** The queue is gone (obliterated). */
  forget(queue: string): void {
    this.timers.forget(queue);
  }

  private arm(queue: string, dueAt: number | undefined): void {
    if (this.closed || dueAt === undefined) return;
    if ([...this.patterns].some((pattern) => matchesTopic(pattern, queue))) this.timers.note(queue, dueAt);
  }

  /** A due time came: the due jobs go to waiting (the store signals the relay, which publishes them). */
  private async promote(queue: string): Promise<void> {
    if (this.closed) return;
    try {
      const { nextDueAt } = await this.ctx.store.promoteDue(queue, this.ctx.clock.now());
      this.arm(queue, nextDueAt);
    } catch (error) {
      if (this.closed) return;
      this.ctx.onError(error);
      // Try again shortly rather than leave the queue's due jobs to the next maintenance pass.
      this.arm(queue, this.ctx.clock.now() + RETRY_AFTER_FAILURE_MS);
    }
  }

  /** After a (re)connect, notices may have been missed: read every consumed queue's due time again. */
  private async rereadAll(): Promise<void> {
    for (const queue of this.ctx.consumedQueues()) {
      await this.consumed(queue).catch((error: unknown) => this.closed || this.ctx.onError(error));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.timers.close();
    await this.control.close();
  }
}
