// In-process pub/sub for queue events: delivered after the transition, in order, one listener's throw isolated.
import type { Logger } from "../../logging/logger.js";
import type { QueueEventRecord, Unsubscribe } from "../records.js";
import { LocalBus } from "../local-bus.js";

/** Fans events out to subscribers whose name or topic pattern matches the event's queue. */
export class EventHub {
  private readonly subscribers: LocalBus<QueueEventRecord>;
  private pending: QueueEventRecord[] = [];
  private scheduled = false;

  constructor(logger: Logger) {
    this.subscribers = new LocalBus<QueueEventRecord>((error, queue, event) =>
      logger.error({ err: error, queue, event: event.event }, `a "${event.event}" listener threw`),
    );
  }

  subscribe(pattern: string, listener: (event: QueueEventRecord) => void): Unsubscribe {
    return this.subscribers.subscribe(pattern, (_queue, event) => listener(event));
  }

  /** Queues an event; listeners run in a microtask, never inside the caller's transition. */
  publish(event: QueueEventRecord): void {
    if (this.subscribers.size === 0) return;
    this.pending.push(event);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    const events = this.pending;
    this.pending = [];
    for (const event of events) this.subscribers.dispatch(event.queue, event);
  }

  clear(): void {
    this.subscribers.clear();
    this.pending = [];
  }
}
