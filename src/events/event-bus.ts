// Publish/subscribe between processes on topics (`user.created`), with `*` / `#` wildcards in subscriptions.
// Delivery goes to subscribers that are live when the message is published — a notification channel, not a
// queue: work that must not be lost belongs in a Queue.
import type { Backend } from "../backend/contract.js";
import type { Unsubscribe } from "../backend/records.js";
import { DEFAULT_MAX_PAYLOAD_BYTES, serializeData } from "../core/serializer.js";
import { assertQueueName, assertQueuePattern } from "../core/topic-pattern.js";
import { TypedEmitter } from "../core/typed-emitter.js";
import { resolveLogger } from "../logging/logger-option.js";
import type { Logger } from "../logging/logger.js";
import { ValidationError } from "../errors/warren-error.js";
import { assertBackend } from "../queue/queue-options.js";

/** Options for {@link EventBus}. */
export interface EventBusOptions {
  backend: Backend;
  /** Largest message, as JSON (PostgreSQL caps it lower, near 8 kB). @defaultValue 1 MiB */
  maxPayloadBytes?: number;
  /** Where the handle logs (any pino-compatible logger). @defaultValue the backend's logger */
  logger?: Logger;
}

/** Context a handler receives with the message's data. */
export interface BusMessage {
  /** The topic it was published on. */
  topic: string;
}

/** A live subscription. */
export interface Subscription {
  /** The pattern it listens on. */
  readonly pattern: string;
  /** Stops delivery to this handler. */
  unsubscribe(): Promise<void>;
}

/** Events of an EventBus handle. */
export type EventBusEventMap = {
  /** A handler threw or rejected, or a message could not be parsed. */
  error: [error: Error];
};

/**
 * Topics across processes.
 * @example
 * const bus = new EventBus({ backend });
 * await bus.subscribe("user.*", (data, { topic }) => console.log(topic, data));
 * await bus.publish("user.created", { id: 7 });
 */
export class EventBus<Data = unknown> extends TypedEmitter<EventBusEventMap> {
  private readonly backend: Backend;
  private readonly maxPayloadBytes: number;
  private readonly subscriptions = new Set<Unsubscribe>();

  constructor(options: EventBusOptions) {
    super();
    assertBackend(options, "EventBus");
    const max = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
    if (!Number.isInteger(max) || max < 1) {
      throw new ValidationError(
        "INVALID_OPTION",
        `maxPayloadBytes must be an integer >= 1 (got ${String(max)})`,
      );
    }
    this.backend = options.backend;
    this.maxPayloadBytes = max;
    this.logUnhandledErrorsTo(
      resolveLogger(options.logger, this.backend.logger, "EventBus").child({ component: "event-bus" }),
    );
  }

  /** Sends `data` to every live subscriber whose pattern matches `topic` (a name without wildcards). */
  async publish(topic: string, data: Data): Promise<void> {
    assertQueueName(topic);
    await this.backend.publishMessage(topic, serializeData(data, this.maxPayloadBytes, "event data"));
  }

  /** Calls `handler` for every message on a matching topic published after this resolves. */
  async subscribe(
    pattern: string,
    handler: (data: Data, message: BusMessage) => void | Promise<void>,
  ): Promise<Subscription> {
    assertQueuePattern(pattern);
    if (typeof handler !== "function") {
      throw new ValidationError("INVALID_OPTION", "subscribe needs a handler function");
    }
    const stop = await this.backend.subscribeMessages(pattern, (topic, payload) => {
      let data: Data;
      try {
        data = JSON.parse(payload) as Data;
      } catch (error) {
        this.emit("error", error as Error);
        return;
      }
      Promise.resolve()
        .then(() => handler(data, { topic }))
        .catch((error: unknown) =>
          this.emit("error", error instanceof Error ? error : new Error(String(error))),
        );
    });
    this.subscriptions.add(stop);
    return {
      pattern,
      unsubscribe: async () => {
        if (this.subscriptions.delete(stop)) await stop();
      },
    };
  }

  /** Ends every subscription of this handle (the backend stays open). */
  async close(): Promise<void> {
    const all = [...this.subscriptions];
    this.subscriptions.clear();
    await Promise.all(all.map((stop) => stop()));
  }
}
