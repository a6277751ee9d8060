// Publishes job messages persistently on a confirm channel, a batch at a time, and dead letters with reasons.
import type * as amqp from "amqplib";
import { BackendUnavailableError } from "../../errors/warren-error.js";
import { traceHeaders } from "../../tracing/trace-context.js";
import type { OutboxEntry } from "../job-store.js";
import type { AmqpConnection } from "./connection.js";
import { encodeEnvelope } from "./envelope.js";
import { amqpPriority, dueRoutingKey, type TopologyNames } from "./topology.js";
import type { TopologyDeclarer } from "./topology-declarer.js";

/** Header marking messages Warren published (a foreign producer's message lacks it). */
export const WARREN_HEADER = "x-warren";
/** Header carrying why a message was dead-lettered. */
export const REASON_HEADER = "x-warren-reason";

/** Owns the confirm channel; recreated after a reconnect or a channel error. */
export class Publisher {
  private channel: Promise<amqp.ConfirmChannel> | undefined;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly names: TopologyNames,
    private readonly topology: TopologyDeclarer,
    private readonly connectTimeoutMs: number,
  ) {}

  /** Publishes one message per entry and resolves when the broker confirmed them all. */
  async publishJobs(queue: string, entries: OutboxEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const channel = await this.ready();
    try {
      await this.topology.declareQueue(channel, queue);
      await Promise.all(
        entries.map((entry) =>
          confirmed(channel, this.names.jobsExchange, queue, encodeEnvelope(entry), {
            persistent: true,
            priority: amqpPriority(entry.priority),
            contentType: "application/json",
            messageId: entry.id,
            // W3C Trace Context over AMQP: any consumer, Warren or not, can continue the producer's trace.
            headers: { [WARREN_HEADER]: 1, ...traceHeaders(entry.trace) },
          }),
        ),
      );
    } catch (error) {
      this.drop();
      throw new BackendUnavailableError(`publishing to RabbitMQ failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** Publishes a message to the queue's dead-letter queue with the reason in its headers. */
  async publishDeadLetter(
    queue: string,
    body: Buffer,
    reason: string,
    headers: Record<string, unknown> = {},
  ) {
    const channel = await this.ready();
    try {
      await this.topology.declareQueue(channel, queue);
      await confirmed(channel, this.names.deadLetterExchange, queue, body, {
        persistent: true,
        contentType: "application/json",
        headers: { ...headers, [REASON_HEADER]: reason },
      });
    } catch (error) {
      this.drop();
      throw new BackendUnavailableError(`dead-lettering to RabbitMQ failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /**
   * Tells every process consuming `queue` that it has work due at `dueAt` (a transient notice on the events
   * exchange, not confirmed: a lost one is made up by the receivers' re-reads after a reconnect).
   */
  async announceDue(queue: string, dueAt: number): Promise<void> {
    const channel = await this.ready();
    try {
      await this.topology.declareExchanges(channel);
      channel.publish(
        this.names.eventsExchange,
        dueRoutingKey(queue),
        Buffer.from(JSON.stringify({ queue, dueAt })),
        { contentType: "application/json" },
      );
    } catch (error) {
      this.drop();
      throw new BackendUnavailableError(`announcing to RabbitMQ failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** How many ready (not yet delivered) messages the queue's broker queue holds. */
  async readyMessages(queue: string): Promise<number> {
    return this.withChannel(async (channel) => {
      await this.topology.declareQueue(channel, queue);
      return (await channel.checkQueue(this.names.jobQueue(queue))).messageCount;
    });
  }

  /** Runs `fn` on the publisher's channel (declarations, deletions). */
  async withChannel<T>(fn: (channel: amqp.Channel) => Promise<T>): Promise<T> {
    const channel = await this.ready();
    try {
      return await fn(channel);
    } catch (error) {
      this.drop();
      throw error;
    }
  }

  private ready(): Promise<amqp.ConfirmChannel> {
    this.channel ??= this.open();
    return this.channel;
  }

  private async open(): Promise<amqp.ConfirmChannel> {
    try {
      const model = await this.connection.whenConnected(this.connectTimeoutMs);
      const channel = await model.createConfirmChannel();
      channel.on("error", () => undefined);
      channel.on("close", () => {
        this.drop();
      });
      this.topology.reset();
      return channel;
    } catch (error) {
      this.channel = undefined;
      throw error;
    }
  }

  private drop(): void {
    this.channel = undefined;
  }
}

/**
 * Publishes one message and resolves on its own confirm. waitForConfirms() would wait for every message in
 * flight on the channel, so under steady traffic each publisher waited on all the others: p50 add→start
 * latency on amqp+redis was 30 ms at 1,000 jobs/s. A nack or a closed channel rejects.
 */
function confirmed(
  channel: amqp.ConfirmChannel,
  exchange: string,
  routingKey: string,
  body: Buffer,
  options: amqp.Options.Publish,
): Promise<void> {
  return new Promise((resolve, reject) => {
    channel.publish(exchange, routingKey, body, options, (error) =>
      error ? reject(error as Error) : resolve(),
    );
  });
}
