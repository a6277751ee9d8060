// In-process pub/sub for queue events: delivered after the transition, in order, one listener's throw isolated.
import type { QueueEventRecord, Unsubscribe } from "../records.js";
import { matchesTopic } from "../../core/topic-pattern.js";

interface Subscription {
  pattern: string;
  listener: (event: QueueEventRecord) => void;
}

/** Fans events out to subscribers whose name or topic pattern matches the event's queue. */
export class EventHub {
  private subscriptions = new Set<Subscription>();
  private pending: QueueEventRecord[] = [];
  private scheduled = false;

  subscribe(pattern: string, listener: (event: QueueEventRecord) => void): Unsubscribe {
    const subscription = { pattern, listener };
    this.subscriptions.add(subscription);
    return () => {
      this.subscriptions.delete(subscription);
      return Promise.resolve();
    };
  }

  /** Queues an event; listeners run in a microtask, never inside the caller's transition. */
  publish(event: QueueEventRecord): void {
    if (this.subscriptions.size === 0) return;
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
    for (const event of events) {
      for (const subscription of this.subscriptions) {
        if (!matchesTopic(subscription.pattern, event.queue)) continue;
        try {
          subscription.listener(event);
        } catch (error) {
          console.error(`[warren] a "${event.event}" listener on queue "${event.queue}" threw:`, error);
        }
      }
    }
  }

  clear(): void {
    this.subscriptions.clear();
    this.pending = [];
  }
}
