// Declares Warren's exchanges and per-queue topology on a channel, idempotently; remembers what it declared
// on the current connection so each queue is declared once per connection. A newly declared queue gets the
// messages the holding queue kept for it, published before it existed.
import type * as amqp from "amqplib";
import type { AmqpConnection } from "./connection.js";
import { HoldingQueue } from "./holding-queue.js";
import { declareJobsExchange, type JobsExchangeDeclaration } from "./jobs-exchange.js";
import { jobQueueArguments, type AmqpQueueType, type TopologyNames } from "./topology.js";

/** What {@link TopologyDeclarer} needs besides names and queue settings. */
export interface TopologyDeclarerOptions {
  /** Gives the throwaway channels that probe the jobs exchange, and the holding queue's drains. */
  connection: AmqpConnection;
  /** Reports, once, a jobs exchange that cannot hold unrouted messages, and failed drains. */
  onError: (error: Error) => void;
}

/** Declares the shared exchanges and, lazily, each Warren queue's job and dead-letter queues. */
export class TopologyDeclarer {
  private declared = new Set<string>();
  private exchangesDeclared = false;
  private jobsExchange: Promise<JobsExchangeDeclaration> | undefined;
  /** Whether the holding queue exists, so a declared queue's held messages can be moved in (once per connection). */
  private drainsHoldingQueue = false;
  private warned = false;
  private readonly holding: HoldingQueue;

  constructor(
    private readonly names: TopologyNames,
    private readonly queueType: AmqpQueueType,
    private readonly deliveryLimit: number,
    private readonly options: TopologyDeclarerOptions,
  ) {
    this.holding = new HoldingQueue({ names, connection: options.connection, onError: options.onError });
  }

  /** Forget everything: the next declare runs again (after a reconnect or a channel error). */
  reset(): void {
    this.declared.clear();
    this.exchangesDeclared = false;
    this.jobsExchange = undefined;
  }

  async declareExchanges(channel: amqp.Channel): Promise<void> {
    if (this.exchangesDeclared) return;
    this.drainsHoldingQueue = (await this.declareJobsExchange()).holdingQueueDeclared;
    await channel.assertExchange(this.names.deadLetterExchange, "topic", { durable: true });
    await channel.assertExchange(this.names.eventsExchange, "topic", { durable: true });
    this.exchangesDeclared = true;
  }

  /** The job queue and dead-letter queue of `queue`, bound to their exchanges. */
  async declareQueue(channel: amqp.Channel, queue: string): Promise<void> {
    if (this.declared.has(queue)) return;
    await this.declareExchanges(channel);
    const jobQueue = this.names.jobQueue(queue);
    const deadLetters = this.names.deadLetterQueue(queue);
    await channel.assertQueue(jobQueue, {
      durable: true,
      arguments: jobQueueArguments(this.names, queue, this.queueType, this.deliveryLimit),
    });
    await channel.bindQueue(jobQueue, this.names.jobsExchange, queue);
    await channel.assertQueue(deadLetters, { durable: true, arguments: { "x-queue-type": "classic" } });
    await channel.bindQueue(deadLetters, this.names.deadLetterExchange, queue);
    this.declared.add(queue);
    // The binding exists now: nothing more for this queue reaches the holding queue; move what is there.
    if (this.drainsHoldingQueue) this.holding.queueDeclared();
  }

  /** Deletes a queue's job and dead-letter queues (obliterate). */
  async deleteQueue(channel: amqp.Channel, queue: string): Promise<void> {
    await channel.deleteQueue(this.names.jobQueue(queue));
    await channel.deleteQueue(this.names.deadLetterQueue(queue));
    this.declared.delete(queue);
  }

  /** Stops the holding queue's drains. */
  async close(): Promise<void> {
    await this.holding.close();
  }

  /** Once per connection, shared by concurrent callers; a failure is tried again by the next declare. */
  private async declareJobsExchange(): Promise<JobsExchangeDeclaration> {
    this.jobsExchange ??= this.options.connection
      .whenConnected(0)
      .then((model) => declareJobsExchange(model, this.names))
      .then((declaration) => {
        if (declaration.warning && !this.warned) {
          this.warned = true;
          this.options.onError(declaration.warning);
        }
        return declaration;
      });
    const pending = this.jobsExchange;
    try {
      return await pending;
    } catch (error) {
      if (this.jobsExchange === pending) this.jobsExchange = undefined;
      throw error;
    }
  }
}
