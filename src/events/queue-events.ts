// QueueEvents: every transition of a queue (or a topic pattern of queues), from every process on the backend.
import type { Backend } from "../backend/contract.js";
import type { Unsubscribe } from "../backend/records.js";
import { assertQueuePattern } from "../core/topic-pattern.js";
import { TypedEmitter } from "../core/typed-emitter.js";
import type { Logger } from "../logging/logger.js";
import { resolveLogger } from "../logging/logger-option.js";
import { assertBackend } from "../queue/queue-options.js";
import { toQueueEvent, type QueueEventsEventMap } from "./event-map.js";

/** Options for {@link QueueEvents}. */
export interface QueueEventsOptions {
  /** The backend to listen on. */
  backend: Backend;
  /** Where the handle logs (any pino-compatible logger). @defaultValue the backend's logger */
  logger?: Logger;
}

/**
 * Listens to a queue's events.
 * @example
 * const events = new QueueEvents("email", { backend });
 * events.on("completed", (e) => console.log(e.jobId, e.returnValue));
 */
export class QueueEvents extends TypedEmitter<QueueEventsEventMap> {
  readonly name: string;
  private readonly backend: Backend;
  private readonly subscription: Promise<Unsubscribe | undefined>;
  /** Why the subscription failed (a closed or unreachable backend), for waitUntilReady. */
  private failure: Error | undefined;
  private closed = false;

  constructor(name: string, options: QueueEventsOptions) {
    super();
    assertQueuePattern(name);
    assertBackend(options, "QueueEvents");
    this.name = name;
    this.backend = options.backend;
    const logger: Logger = resolveLogger(options.logger, this.backend.logger, "QueueEvents");
    this.logUnhandledErrorsTo(logger.child({ queue: name }));
    this.subscription = this.backend
      .subscribe(name, (record) => {
        if (!this.closed) this.emit(record.event, toQueueEvent(record));
      })
      .catch((error: unknown) => {
        this.failure = error instanceof Error ? error : new Error(String(error));
        this.emit("error", this.failure);
        return undefined;
      });
  }

  /**
   * Resolves once events are flowing: events after this point are never missed. Rejects when the subscription
   * failed (a closed backend: ClosedError).
   */
  async waitUntilReady(): Promise<void> {
    await this.subscription;
    if (this.failure) throw this.failure;
  }

  /** Stops listening. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const unsubscribe = await this.subscription;
    await unsubscribe?.();
    this.removeAllListeners();
  }
}
