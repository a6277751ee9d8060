// One pass over the holding queue. A held message whose Warren queue exists now is re-published straight to that
// queue (mandatory, confirmed) and acked only once the broker confirmed the copy; the others stay unacked until the
// end of the pass and are then requeued, which puts them back in their places (classic queue), so nothing spins
// through the queue and messages still waiting keep their order. One process drains at a time, cluster-wide.
import type * as amqp from "amqplib";
import { assertQueueName } from "../../core/topic-pattern.js";
import { PROBE_HEADER } from "./jobs-exchange.js";
import type { TopologyNames } from "./topology.js";

/** What one pass did. */
export interface DrainReport {
  /** Messages delivered to their Warren queue (and acked in the holding queue). */
  moved: number;
  /** Messages left held, by routing key (= Warren queue name): their queue does not exist yet. */
  kept: Map<string, number>;
  /** False when the pass stopped at {@link HOLDING_SCAN_LIMIT} kept messages, before the end of the queue. */
  complete: boolean;
}

/** The result of a pass: `busy` when another process (another connection) is draining right now. */
export type DrainOutcome = { status: "busy" } | { status: "drained"; report: DrainReport };

/**
 * Most messages one pass keeps unacked while it looks further down the queue. Messages behind that many held for
 * queues that do not exist are not reached (the pass reports it); the bound keeps the broker's unacked set and the
 * pass's length in check when a typo'd routing key piles messages up.
 */
export const HOLDING_SCAN_LIMIT = 10_000;
/** AMQP short strings (queue names) are at most 255 bytes. */
const MAX_AMQP_NAME_BYTES = 255;
/** NOT_FOUND: the passive declare's answer for a queue that does not exist. */
const NOT_FOUND = 404;
/** RESOURCE_LOCKED: the lock queue is exclusive to another connection. */
const RESOURCE_LOCKED = 405;

/**
 * Moves every held message whose Warren queue exists into that queue. Stops early (requeueing what it holds) once
 * `stopping()` says so.
 */
export async function drainHeldMessages(
  model: amqp.ChannelModel,
  names: TopologyNames,
  stopping: () => boolean,
): Promise<DrainOutcome> {
  const channel = await model.createConfirmChannel();
  // Failures surface through the awaited calls; the event would otherwise be unhandled.
  channel.on("error", () => undefined);
  const existence = new JobQueueExistence(model, names);
  const copies: Array<Promise<void>> = [];
  try {
    if (!(await takeDrainLock(channel, names))) return { status: "busy" };
    const report: DrainReport = { moved: 0, kept: new Map(), complete: true };
    let kept = 0;
    // A copy whose queue vanished (obliterated mid-pass) comes back as basic.return, which the broker sends before
    // that copy's confirm: every copy to that queue published up to then is suspect and its original stays held.
    const returnedUpTo = new Map<string, number>();
    let published = 0;
    channel.on("return", (returned: amqp.Message) => {
      returnedUpTo.set(returned.fields.routingKey, published);
      existence.forget(returned.fields.routingKey);
    });
    for (;;) {
      if (stopping()) {
        report.complete = false;
        break;
      }
      if (kept >= HOLDING_SCAN_LIMIT) {
        report.complete = false;
        break;
      }
      const message = await channel.get(names.holdingQueue, { noAck: false });
      if (message === false) break;
      if (message.properties.headers?.[PROBE_HEADER] !== undefined) {
        channel.ack(message);
        continue;
      }
      const queue = message.fields.routingKey;
      if (!(await existence.has(queue))) {
        kept += 1;
        report.kept.set(queue, (report.kept.get(queue) ?? 0) + 1);
        continue;
      }
      const target = names.jobQueue(queue);
      const sequence = ++published;
      copies.push(
        publishConfirmed(channel, target, message).then(
          () => {
            if ((returnedUpTo.get(target) ?? 0) >= sequence) return;
            // Never throw from here: the promise sits unawaited until the loop ends.
            try {
              channel.ack(message);
              report.moved += 1;
            } catch {
              // The channel closed after the confirm: the broker requeued the original; its copy is a duplicate.
            }
          },
          // Nacked, or the channel died: the original stays unacked and goes back to the holding queue.
          () => undefined,
        ),
      );
    }
    await Promise.all(copies);
    // Everything still unacked is a message to keep: requeued, each to its own place.
    channel.nackAll(true);
    return { status: "drained", report };
  } finally {
    // Copies settle when the channel closes (amqplib fails their callbacks), so this cannot hang.
    await Promise.allSettled(copies);
    // Closing the channel releases the lock (its consumer goes, the queue auto-deletes) and hands back anything
    // still unacked after a failure.
    await channel.close().catch(() => undefined);
    await existence.close();
  }
}

/**
 * Whether the holding queue has no ready message. Cheap (one passive declare, no lock), but blind to messages another
 * process's pass holds unacked at that moment: good enough to skip a sweep, not to skip the pass a declaration asks for.
 */
export async function holdingQueueLooksEmpty(
  model: amqp.ChannelModel,
  names: TopologyNames,
): Promise<boolean> {
  const channel = await model.createChannel();
  channel.on("error", () => undefined);
  try {
    return (await channel.checkQueue(names.holdingQueue)).messageCount === 0;
  } finally {
    await channel.close().catch(() => undefined);
  }
}

/**
 * A broker-side lock held by this channel: an exclusive, auto-deleted queue with this channel's consumer on it. A
 * second connection's declare is refused (405, which closes that channel); the queue goes when the consumer does —
 * at the end of the pass, or when this channel or its connection dies, so a crashed drainer never holds it.
 */
async function takeDrainLock(channel: amqp.Channel, names: TopologyNames): Promise<boolean> {
  try {
    await channel.assertQueue(names.holdingDrainLock, { exclusive: true, autoDelete: true, durable: false });
    await channel.consume(names.holdingDrainLock, () => undefined, { noAck: true });
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === RESOURCE_LOCKED) return false;
    throw error;
  }
}

/**
 * The copy goes to the job queue by name (default exchange), not through the jobs exchange: it reaches a queue
 * that exists even while its binding is missing, and `mandatory` returns it if the queue vanished.
 */
function publishConfirmed(
  channel: amqp.ConfirmChannel,
  target: string,
  message: amqp.GetMessage,
): Promise<void> {
  return new Promise((resolve, reject) => {
    channel.publish("", target, message.content, copyProperties(message), (error) =>
      error ? reject(error as Error) : resolve(),
    );
  });
}

/** The held message's properties and headers, as the producer set them, minus what must not be replayed. */
function copyProperties(message: amqp.GetMessage): amqp.Options.Publish {
  const headers: Record<string, unknown> = { ...(message.properties.headers ?? {}) };
  // CC and BCC add routing keys; the original was already routed with them.
  delete headers["CC"];
  delete headers["BCC"];
  const options: Record<string, unknown> = { mandatory: true, headers };
  for (const [key, value] of Object.entries(message.properties)) {
    if (value !== undefined && !NOT_REPLAYED.has(key)) options[key] = value;
  }
  return options;
}

/**
 * Properties a copy does not carry over (headers are copied apart). user_id is checked against the publishing
 * connection's user: a foreign producer's would close the channel. clusterId is deprecated.
 */
const NOT_REPLAYED = new Set(["headers", "userId", "clusterId"]);

/** Which Warren queues exist, by passive declare, remembered for one pass. */
class JobQueueExistence {
  private channel: Promise<amqp.Channel> | undefined;
  private readonly known = new Map<string, boolean>();

  constructor(
    private readonly model: amqp.ChannelModel,
    private readonly names: TopologyNames,
  ) {}

  async has(queue: string): Promise<boolean> {
    const remembered = this.known.get(queue);
    if (remembered !== undefined) return remembered;
    const exists = await this.check(queue);
    this.known.set(queue, exists);
    return exists;
  }

  /** A copy to this job queue was returned (the queue was deleted): keep its messages for the rest of the pass. */
  forget(jobQueue: string): void {
    for (const queue of this.known.keys())
      if (this.names.jobQueue(queue) === jobQueue) this.known.set(queue, false);
  }

  async close(): Promise<void> {
    const channel = await this.channel?.catch(() => undefined);
    await channel?.close().catch(() => undefined);
  }

  private async check(queue: string): Promise<boolean> {
    // A routing key that is no Warren queue name can never get a queue: no need to ask.
    try {
      assertQueueName(queue);
    } catch {
      return false;
    }
    const target = this.names.jobQueue(queue);
    if (Buffer.byteLength(target) > MAX_AMQP_NAME_BYTES) return false;
    const channel = await (this.channel ??= this.open());
    try {
      await channel.checkQueue(target);
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code !== NOT_FOUND) throw error;
      // The broker closed the channel with its 404: the next check opens another.
      this.channel = undefined;
      return false;
    }
  }

  private async open(): Promise<amqp.Channel> {
    const channel = await this.model.createChannel();
    channel.on("error", () => undefined);
    return channel;
  }
}
