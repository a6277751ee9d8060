// The dead-letter queue `warren.dlq.<queue>` as dead letters beside the store's. Each operation is one pass on its
// own confirm channel: basic.get every message (unacked, so the pass holds them and no other pass sees them), act,
// then requeue what it keeps (a classic queue puts each back in its place) and close. Copies of jobs the store
// holds as failed or expired are the store's letters; copies of jobs no longer dead are dropped; anything else
// (a malformed or foreign message, a job the store no longer has) is a broker letter.
import type * as amqp from "amqplib";
import { BackendUnavailableError, WarrenError } from "../../errors/warren-error.js";
import type { DeadLetterRecord, TransportDeadLetters } from "../dead-letter-records.js";
import type { JobStore } from "../job-store.js";
import type { JobRecord } from "../records.js";
import type { AmqpConnection } from "./connection.js";
import {
  BROKER_LETTER_PREFIX,
  readDeadLetterMessages,
  replayHeaders,
  type DeadLetterMessage,
} from "./dead-letter-message.js";
import type { TopologyNames } from "./topology.js";
import type { TopologyDeclarer } from "./topology-declarer.js";

/**
 * Most messages one pass holds. Messages behind that many are not listed, replayed or told apart in a purge (which
 * still empties the queue); the bound keeps the broker's unacked set and the pass's length in check.
 */
export const DEAD_LETTER_SCAN_LIMIT = 10_000;
/** NOT_FOUND: the passive declare's answer for a queue that does not exist. */
const NOT_FOUND = 404;

/** What {@link AmqpDeadLetters} works with. */
export interface AmqpDeadLettersOptions {
  connection: AmqpConnection;
  names: TopologyNames;
  topology: TopologyDeclarer;
  store: JobStore;
  /** How long a pass waits for the broker before failing with BackendUnavailableError. */
  connectTimeoutMs: number;
  /** Hears failures of the best-effort removal of copies (see forget). */
  onError: (error: Error) => void;
}

/** The messages one pass holds, read, and what it can do with them. */
interface Pass {
  held: Array<{ message: amqp.GetMessage; read: DeadLetterMessage }>;
  channel: amqp.ConfirmChannel;
  /** False when the dead-letter queue does not exist (never declared, or deleted): nothing to purge. */
  exists: boolean;
}

/** RabbitMQ's dead-letter queues as a transport's dead letters (see TransportDeadLetters). */
export class AmqpDeadLetters implements TransportDeadLetters {
  /** Dead-letter copies being published, per queue: a pass waits for them, so a retry's forget sees its copy. */
  private readonly publishing = new Map<string, Set<Promise<void>>>();

  constructor(private readonly options: AmqpDeadLettersOptions) {}

  owns(id: string): boolean {
    return id.startsWith(BROKER_LETTER_PREFIX);
  }

  /** Remembers a dead-letter copy being published until it settles. */
  track(queue: string, publish: Promise<void>): void {
    let pending = this.publishing.get(queue);
    if (!pending) this.publishing.set(queue, (pending = new Set()));
    pending.add(publish);
    const settled = (): void => {
      pending.delete(publish);
      if (pending.size === 0 && this.publishing.get(queue) === pending) this.publishing.delete(queue);
    };
    publish.then(settled, settled);
  }

  async list(queue: string): Promise<DeadLetterRecord[]> {
    return this.pass(queue, async (pass) => {
      const letters: DeadLetterRecord[] = [];
      for (const { message, read, job } of await this.classify(queue, pass)) {
        if (job === "dead-copy") continue;
        if (job === "stale") pass.channel.ack(message);
        else letters.push(read.letter);
      }
      return letters;
    });
  }

  async replay(queue: string, ids: string[]): Promise<number> {
    const wanted = new Set(ids);
    return this.pass(queue, async ({ held, channel }) => {
      const chosen = held.filter(({ read }) => wanted.has(read.letter.id));
      if (chosen.length === 0) return 0;
      await this.options.topology.declareQueue(channel, queue);
      for (const { message } of chosen) {
        await republish(channel, this.options.names.jobsExchange, queue, message);
        // Acked only once the copy is confirmed: a failure in between leaves the letter, never loses it.
        channel.ack(message);
      }
      return chosen.length;
    });
  }

  /**
   * Best effort: the job already left the dead letters in the store, which is the truth, so a copy left behind
   * (the broker is away) is only stale, and the next listing drops it. A retry never fails for it.
   */
  async forget(queue: string, jobIds: string[]): Promise<void> {
    // During an outage the copy waits for a listing; a process just started (the CLI) waits for its connection.
    if (this.options.connection.reachedOnce && !this.options.connection.connected) return;
    const ids = new Set(jobIds);
    try {
      await this.pass(queue, ({ held, channel }) => {
        for (const { message, read } of held) {
          if (read.jobId !== undefined && ids.has(read.jobId)) channel.ack(message);
        }
        return Promise.resolve();
      });
    } catch (error) {
      this.options.onError(error as Error);
    }
  }

  async purge(queue: string): Promise<number> {
    return this.pass(queue, async (pass) => {
      let letters = 0;
      for (const { message, job } of await this.classify(queue, pass)) {
        if (job === "broker") letters += 1;
        pass.channel.ack(message);
      }
      // Whatever lay beyond the scan is emptied too, uncounted.
      if (pass.exists) await pass.channel.purgeQueue(this.options.names.deadLetterQueue(queue));
      return letters;
    });
  }

  /**
   * Each held message against the store: a copy of a job that is dead (the first copy; a second one is stale), a
   * copy of a job that is not (stale: retried, replayed, completed), or a broker letter (no such job).
   */
  private async classify(
    queue: string,
    { held }: Pass,
  ): Promise<Array<Pass["held"][number] & { job: "dead-copy" | "stale" | "broker" }>> {
    const ids = [...new Set(held.flatMap(({ read }) => (read.jobId === undefined ? [] : [read.jobId])))];
    const records = new Map<string, JobRecord | undefined>();
    for (const [index, record] of (
      await Promise.all(ids.map((id) => this.options.store.getJob(queue, id)))
    ).entries()) {
      records.set(ids[index]!, record);
    }
    const copied = new Set<string>();
    return held.map((entry) => {
      const jobId = entry.read.jobId;
      const record = jobId === undefined ? undefined : records.get(jobId);
      if (jobId === undefined || !record) return { ...entry, job: "broker" };
      const dead = record.state === "failed" || record.state === "expired";
      if (!dead || copied.has(jobId)) return { ...entry, job: "stale" };
      copied.add(jobId);
      return { ...entry, job: "dead-copy" };
    });
  }

  /**
   * One pass over the queue's dead-letter queue (after the copies being published): holds its messages, runs
   * `act`, requeues what `act` did not ack, closes. A queue whose dead-letter queue does not exist has none.
   */
  private async pass<T>(queue: string, act: (pass: Pass) => Promise<T>): Promise<T> {
    await Promise.allSettled([...(this.publishing.get(queue) ?? [])]);
    const target = this.options.names.deadLetterQueue(queue);
    let channel: amqp.ConfirmChannel | undefined;
    try {
      const model = await this.options.connection.whenConnected(this.options.connectTimeoutMs);
      const opened = await model.createConfirmChannel();
      channel = opened;
      // Failures surface through the awaited calls; the event would otherwise be unhandled.
      opened.on("error", () => undefined);
      const messages: amqp.GetMessage[] = [];
      const exists = await queueExists(opened, target);
      if (exists) {
        while (messages.length < DEAD_LETTER_SCAN_LIMIT) {
          const message = await opened.get(target, { noAck: false });
          if (message === false) break;
          messages.push(message);
        }
      } else {
        // The broker closed the channel with its 404: act on nothing, on a fresh channel.
        channel = await model.createConfirmChannel();
        channel.on("error", () => undefined);
      }
      const reads = readDeadLetterMessages(messages);
      const result = await act({
        held: messages.map((message, index) => ({ message, read: reads[index]! })),
        channel,
        exists,
      });
      channel.nackAll(true);
      return result;
    } catch (error) {
      // Already typed (closed, unreachable): as it is; a channel or broker failure says which queue it was reading.
      if (error instanceof WarrenError) throw error;
      throw new BackendUnavailableError(
        `reading the dead-letter queue ${target} failed: ${(error as Error).message}`,
        { cause: error },
      );
    } finally {
      // Closing hands back anything still unacked after a failure; acks sent before it are settled by then.
      await channel?.close().catch(() => undefined);
    }
  }
}

async function queueExists(channel: amqp.Channel, queue: string): Promise<boolean> {
  try {
    await channel.checkQueue(queue);
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === NOT_FOUND) return false;
    throw error;
  }
}

/**
 * Properties a replayed message does not carry over (headers are copied apart): user_id is checked against the
 * publishing connection's user, clusterId is deprecated, and an expiration may be why it was dead-lettered.
 */
const NOT_REPLAYED = new Set(["userId", "clusterId", "expiration"]);

/** Publishes a held message's body to the queue again, as its producer sent it, minus the dead-lettering. */
function republish(
  channel: amqp.ConfirmChannel,
  exchange: string,
  queue: string,
  message: amqp.GetMessage,
): Promise<void> {
  const { headers, ...properties } = message.properties;
  const options: Record<string, unknown> = { persistent: true };
  for (const [key, value] of Object.entries(properties)) {
    if (value !== undefined && !NOT_REPLAYED.has(key)) options[key] = value;
  }
  options["headers"] = replayHeaders(headers);
  return new Promise((resolve, reject) => {
    channel.publish(exchange, queue, message.content, options, (error) =>
      error ? reject(error as Error) : resolve(),
    );
  });
}
