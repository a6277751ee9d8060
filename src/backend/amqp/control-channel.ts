// Due notices over the events exchange, receiving side. A process that adds work due at a time (a delayed job,
// a retry, a schedule slot) announces `{ queue, dueAt }` with routing key `due.<queue>` (Publisher.announceDue);
// every process consuming that queue has an exclusive queue bound to `due.<pattern>` and re-arms its due timer.
// Notices are fire and forget: one lost while a connection is down is made up by re-reading due times after
// every (re)connect.
import type * as amqp from "amqplib";
import type { AmqpConnection, ConnectionSetup } from "./connection.js";
import { dueRoutingKey, type TopologyNames } from "./topology.js";
import type { TopologyDeclarer } from "./topology-declarer.js";

/** Hears a notice: `queue` has work due at `dueAt` (ms since epoch). */
export type DueNoticeListener = (queue: string, dueAt: number) => void;

/** The control queue of one backend: bound to the patterns its workers consume. */
export class ControlChannel {
  private channel: amqp.Channel | undefined;
  private controlQueue: string | undefined;
  private readonly patterns = new Set<string>();
  /** Patterns bound on the current channel. */
  private bound = new Set<string>();
  private readonly setup: ConnectionSetup;
  private started = false;
  private closed = false;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly names: TopologyNames,
    private readonly topology: TopologyDeclarer,
    private readonly onNotice: DueNoticeListener,
    /** A (re)connect: notices sent meanwhile were missed; the backend re-reads due times. */
    private readonly onConnected: () => void,
    private readonly onError: (error: unknown) => void,
  ) {
    this.setup = (model) => this.attach(model);
  }

  /** Starts hearing notices for queues matching `patterns` (names or topic patterns). */
  async listen(patterns: string[]): Promise<void> {
    if (this.closed) return;
    for (const pattern of patterns) this.patterns.add(pattern);
    if (!this.started) {
      this.started = true;
      await this.connection.addSetup(this.setup);
      return;
    }
    await this.bindPending();
  }

  private async attach(model: amqp.ChannelModel): Promise<void> {
    if (this.closed) return;
    const channel = await model.createChannel();
    channel.on("error", (error: Error) => this.onError(error));
    channel.on("close", () => {
      if (this.channel === channel) this.channel = undefined;
    });
    await this.topology.declareExchanges(channel);
    const { queue } = await channel.assertQueue("", { exclusive: true, autoDelete: true, durable: false });
    await channel.consume(queue, (message) => this.receive(message), { noAck: true });
    this.channel = channel;
    this.controlQueue = queue;
    this.bound = new Set();
    await this.bindPending();
    this.onConnected();
  }

  /** Binds every pattern not yet bound on the current channel (a listen() during attach included). */
  private async bindPending(): Promise<void> {
    const { channel, controlQueue } = this;
    if (!channel || !controlQueue) return;
    for (const pattern of this.patterns) {
      if (this.bound.has(pattern)) continue;
      this.bound.add(pattern);
      await channel.bindQueue(controlQueue, this.names.eventsExchange, dueRoutingKey(pattern));
    }
  }

  private receive(message: amqp.ConsumeMessage | null): void {
    if (!message) return;
    try {
      const notice = JSON.parse(message.content.toString("utf8")) as { queue?: unknown; dueAt?: unknown };
      if (typeof notice.queue === "string" && typeof notice.dueAt === "number") {
        this.onNotice(notice.queue, notice.dueAt);
      }
    } catch {
      // Not a notice of ours (another program publishes on the events exchange): ignore it.
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connection.removeSetup(this.setup);
    const channel = this.channel;
    this.channel = undefined;
    await channel?.close().catch(() => undefined);
  }
}
