// One worker's consumers: a channel with prefetch that consumes every Warren queue matching the worker's
// patterns and buffers deliveries until the worker's fetch claims them. Re-attached after every reconnect.
import type * as amqp from "amqplib";
import { realTimeNow } from "../../core/clock.js";
import { isTopicPattern, matchesTopic } from "../../core/topic-pattern.js";
import type { JobStore } from "../job-store.js";
import type { AmqpConnection, ConnectionSetup } from "./connection.js";
import type { TopologyNames } from "./topology.js";
import type { TopologyDeclarer } from "./topology-declarer.js";

/** A message waiting to be claimed, with the channel it must be acked on. */
export interface Delivery {
  queue: string;
  message: amqp.ConsumeMessage;
  channel: amqp.Channel;
  /** Held back (limiter) until this time. */
  notBefore: number;
  /** When it arrived (ms), to hand back deliveries a busy worker cannot take. */
  receivedAt: number;
}

const QUEUE_REFRESH_MS = 1_000;
/** A delivery a busy worker has not taken within this long goes back to the broker for another worker. */
const HAND_BACK_MS = 500;

/** Consumes the queues matching `patterns` for one worker. */
export class ConsumerGroup {
  /** When a fetch last used this group (ms), for idle clean-up. */
  lastUsed = realTimeNow();
  /** Fetch calls in flight on this group. */
  inFlight = 0;
  private channel: amqp.Channel | undefined;
  private readonly buffer: Delivery[] = [];
  /** Delivery tags on the current channel not yet acked or handed back. */
  private readonly unsettled = new Set<number>();
  private readonly consumers = new Map<string, string>();
  private readonly paused = new Set<string>();
  private waiters = new Set<() => void>();
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly handBackTimer: NodeJS.Timeout;
  private readonly setup: ConnectionSetup;
  private closed = false;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly store: JobStore,
    private readonly names: TopologyNames,
    private readonly topology: TopologyDeclarer,
    private readonly patterns: string[],
    private readonly prefetch: number,
    private readonly onError: (error: unknown) => void,
    /** A queue is now consumed (at start, when a pattern finds a new queue, after a resume or reconnect). */
    private readonly onConsume: (queue: string) => void = () => undefined,
  ) {
    this.setup = (model) => this.attach(model);
    this.handBackTimer = setInterval(() => this.handBackIdle(), HAND_BACK_MS);
    this.handBackTimer.unref();
  }

  /** While no fetch is waiting (every slot of the worker is busy), prefetched deliveries go back to the broker. */
  private handBackIdle(): void {
    if (this.inFlight > 0) return;
    const cutoff = realTimeNow() - HAND_BACK_MS;
    for (let i = this.buffer.length - 1; i >= 0; i--) {
      const delivery = this.buffer[i]!;
      if (delivery.notBefore === 0 && delivery.receivedAt < cutoff)
        this.requeue(this.buffer.splice(i, 1)[0]!);
    }
  }

  async start(): Promise<void> {
    await this.connection.addSetup(this.setup);
    if (this.patterns.some(isTopicPattern)) {
      this.refreshTimer = setInterval(
        () => void this.consumeMatching().catch(this.onError),
        QUEUE_REFRESH_MS,
      );
      this.refreshTimer.unref();
    }
  }

  /** Takes up to `max` deliveries that may be claimed now. */
  take(max: number, now: number): Delivery[] {
    const taken: Delivery[] = [];
    for (let i = 0; i < this.buffer.length && taken.length < max;) {
      const delivery = this.buffer[i]!;
      if (delivery.notBefore <= now && !this.paused.has(delivery.queue)) {
        taken.push(delivery);
        this.buffer.splice(i, 1);
      } else {
        i += 1;
      }
    }
    return taken;
  }

  /** Earliest time a held-back delivery may be tried again, if any. */
  nextHeldBack(): number | undefined {
    let next: number | undefined;
    for (const delivery of this.buffer) {
      if (delivery.notBefore > 0 && (next === undefined || delivery.notBefore < next))
        next = delivery.notBefore;
    }
    return next;
  }

  /** Puts a delivery back, to be tried again no earlier than `notBefore`. */
  holdBack(delivery: Delivery, notBefore: number): void {
    delivery.notBefore = notBefore;
    this.buffer.push(delivery);
  }

  /**
   * Resolves when a delivery arrives, after `ms`, or when the signal aborts — at once when one that may be
   * taken already arrived. Without that check a delivery landing while the fetch awaited something else
   * (promoting due jobs) woke nobody, and the fetch slept its whole block time: runs of 10,000 jobs took
   * 5–10 s longer at random.
   */
  waitForDelivery(ms: number, signal: AbortSignal, now: number): Promise<void> {
    // An abort while the fetch awaited its claims fired no listener: it must end the wait, not be missed.
    if (signal.aborted) return Promise.resolve();
    if (this.buffer.some((d) => d.notBefore <= now && !this.paused.has(d.queue))) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.waiters.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  ack(delivery: Delivery): void {
    this.ackAll([delivery]);
  }

  /**
   * Acks a batch with as few frames as possible: one `multiple` ack covers the longest run of unsettled
   * delivery tags, from the lowest, that are all in the batch; the rest are acked one by one.
   */
  ackAll(deliveries: Delivery[]): void {
    const channel = this.channel;
    // Deliveries from a channel that died were requeued by the broker: nothing to ack.
    const live = deliveries.filter((delivery) => delivery.channel === channel);
    if (!channel || live.length === 0) return;
    const batch = new Map(live.map((delivery) => [delivery.message.fields.deliveryTag, delivery]));
    let upTo: number | undefined;
    for (const tag of [...this.unsettled].sort((a, b) => a - b)) {
      if (!batch.has(tag)) break;
      upTo = tag;
    }
    if (upTo !== undefined) channel.ack(batch.get(upTo)!.message, true);
    for (const [tag, delivery] of batch) {
      this.unsettled.delete(tag);
      if (upTo === undefined || tag > upTo) channel.ack(delivery.message);
    }
  }

  requeue(delivery: Delivery): void {
    if (delivery.channel !== this.channel) return;
    this.unsettled.delete(delivery.message.fields.deliveryTag);
    delivery.channel.nack(delivery.message, false, true);
  }

  /** Stops consuming a paused queue and hands its buffered deliveries back. */
  async pauseQueue(queue: string): Promise<void> {
    if (this.paused.has(queue)) return;
    this.paused.add(queue);
    const tag = this.consumers.get(queue);
    this.consumers.delete(queue);
    if (tag && this.channel) await this.channel.cancel(tag).catch(this.onError);
    for (let i = this.buffer.length - 1; i >= 0; i--) {
      if (this.buffer[i]!.queue === queue) this.requeue(this.buffer.splice(i, 1)[0]!);
    }
  }

  /** Consumes a resumed queue again. */
  async resumeQueue(queue: string): Promise<void> {
    if (!this.paused.delete(queue)) return;
    if (this.channel) await this.consume(this.channel, queue);
  }

  /** The queues this group consumes or holds paused. */
  queues(): string[] {
    return [...this.consumers.keys(), ...this.paused];
  }

  /** Whether this group serves `queue`. */
  serves(queue: string): boolean {
    return this.patterns.some((pattern) => matchesTopic(pattern, queue));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    clearInterval(this.handBackTimer);
    this.connection.removeSetup(this.setup);
    for (const wake of [...this.waiters]) wake();
    const channel = this.channel;
    this.channel = undefined;
    // Closing the channel hands every unacked delivery back to the broker for other workers.
    await channel?.close().catch(() => undefined);
  }

  private async attach(model: amqp.ChannelModel): Promise<void> {
    if (this.closed) return;
    this.buffer.length = 0;
    this.unsettled.clear();
    this.consumers.clear();
    const channel = await model.createChannel();
    channel.on("error", (error: Error) => this.onError(error));
    channel.on("close", () => {
      if (this.channel === channel) this.channel = undefined;
    });
    await channel.prefetch(this.prefetch);
    this.channel = channel;
    await this.consumeMatching();
  }

  private async consumeMatching(): Promise<void> {
    const channel = this.channel;
    if (!channel || this.closed) return;
    const known = await this.store.listQueues();
    const queues = this.patterns.filter((p) => !isTopicPattern(p));
    for (const queue of known) if (this.serves(queue) && !queues.includes(queue)) queues.push(queue);
    for (const queue of queues) {
      if (!this.consumers.has(queue) && !this.paused.has(queue)) await this.consume(channel, queue);
    }
  }

  private async consume(channel: amqp.Channel, queue: string): Promise<void> {
    if (this.consumers.has(queue)) return;
    if (await this.store.isPaused(queue)) {
      this.paused.add(queue);
      return;
    }
    await this.topology.declareQueue(channel, queue);
    const reply = await channel.consume(this.names.jobQueue(queue), (message) => {
      if (!message) {
        // The broker cancelled the consumer (queue deleted): consume again on the next refresh.
        this.consumers.delete(queue);
        return;
      }
      if (channel === this.channel) this.unsettled.add(message.fields.deliveryTag);
      this.buffer.push({ queue, message, channel, notBefore: 0, receivedAt: realTimeNow() });
      for (const wake of [...this.waiters]) wake();
    });
    this.consumers.set(queue, reply.consumerTag);
    this.onConsume(queue);
  }
}
