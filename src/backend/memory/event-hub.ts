// In-process pub/sub for queue events: delivered after the transition, in order, one listener's throw isolated.
import type { Logger } from "../../logging/logger.js";
import type { QueueEventName, QueueEventRecord, SubscribeOptions, Unsubscribe } from "../records.js";
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

  /** Subscriptions that take every event. */
  private unfiltered = 0;
  /** How many filtered subscriptions want each event. */
  private readonly wanted = new Map<QueueEventName, number>();

  subscribe(
    pattern: string,
    listener: (event: QueueEventRecord) => void,
    options?: SubscribeOptions,
  ): Unsubscribe {
    const events = options?.events && new Set(options.events);
    this.count(events, 1);
    const unsubscribe = this.subscribers.subscribe(
      pattern,
      events
        ? (_queue, event) => events.has(event.event) && listener(event)
        : (_queue, event) => listener(event),
    );
    let subscribed = true;
    return () => {
      if (subscribed) this.count(events, -1);
      subscribed = false;
      return unsubscribe();
    };
  }

  /**
   * Whether any subscription would receive `event`: a transition nobody listens to builds no event at all. A
   * worker hears only control events, so with workers alone most transitions cost nothing here.
   */
  wants(event: QueueEventName): boolean {
    return this.unfiltered > 0 || (this.wanted.get(event) ?? 0) > 0;
  }

  private count(events: ReadonlySet<QueueEventName> | undefined, delta: number): void {
    if (events === undefined) {
      this.unfiltered += delta;
      return;
    }
    for (const event of events) this.wanted.set(event, (this.wanted.get(event) ?? 0) + delta);
  }

  /** Queues an event; listeners run in a microtask, never inside the caller's transition. */
  publish(event: QueueEventRecord): void {
    if (!this.wants(event.event)) return;
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
    this.unfiltered = 0;
    this.wanted.clear();
    this.pending = [];
  }
}
