// EventBus delivery inside one process: the memory backend's bus, and the fan-out every backend does after
// its server hands it a message.
import { matchesTopic } from "../core/topic-pattern.js";
import type { MessageListener } from "./contract.js";
import type { Unsubscribe } from "./records.js";

/** Subscriptions by topic pattern; a throwing listener never stops the others. */
export class LocalBus {
  private readonly subscriptions = new Set<{ pattern: string; listener: MessageListener }>();

  constructor(private readonly onError: (error: unknown) => void = () => undefined) {}

  /** Whether anyone listens at all (a backend may skip its server subscription until someone does). */
  get size(): number {
    return this.subscriptions.size;
  }

  subscribe(pattern: string, listener: MessageListener): Unsubscribe {
    const subscription = { pattern, listener };
    this.subscriptions.add(subscription);
    return () => {
      this.subscriptions.delete(subscription);
      return Promise.resolve();
    };
  }

  /** Delivers to every matching subscription, after the current call stack (like a message off the wire). */
  publish(topic: string, payload: string): void {
    const matching = [...this.subscriptions].filter((s) => matchesTopic(s.pattern, topic));
    if (matching.length === 0) return;
    queueMicrotask(() => this.deliver(matching, topic, payload));
  }

  /** Delivers now, to every matching subscription. */
  dispatch(topic: string, payload: string): void {
    this.deliver(
      [...this.subscriptions].filter((s) => matchesTopic(s.pattern, topic)),
      topic,
      payload,
    );
  }

  private deliver(subscriptions: Array<{ listener: MessageListener }>, topic: string, payload: string): void {
    for (const { listener } of subscriptions) {
      try {
        listener(topic, payload);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}
