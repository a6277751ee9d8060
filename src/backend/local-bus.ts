// Topic fan-out inside one process: the memory backend's EventBus, and the delivery every backend does after its
// server hands it an EventBus message or a queue event (NOTIFY, a stream entry, an in-memory transition).
import { matchesTopic } from "../core/topic-pattern.js";
import type { Unsubscribe } from "./records.js";

/** Receives one delivery: the topic it went out on (for queue events, the queue) and what was sent. */
export type TopicListener<Message> = (topic: string, message: Message) => void;

interface Subscription<Message> {
  readonly pattern: string;
  readonly listener: TopicListener<Message>;
  /** When it subscribed, in subscriptions made: a delivery skips the ones made after it began. */
  readonly seq: number;
}

/**
 * Subscriptions by topic pattern (`*` one word, `#` any number). A delivery reaches the matching subscriptions made
 * before it began that are still there when their turn comes: one made during a delivery starts with the next
 * message, one removed during a delivery gets nothing more. A throwing listener never stops the others.
 */
export class LocalBus<Message = string> {
  private readonly subscriptions = new Set<Subscription<Message>>();
  private nextSeq = 0;

  constructor(
    private readonly onError: (error: unknown, topic: string, message: Message) => void = () => undefined,
  ) {}

  /** Whether anyone listens at all (a backend may skip its server subscription until someone does). */
  get size(): number {
    return this.subscriptions.size;
  }

  /** The pattern of every subscription, one entry per subscription. */
  patterns(): string[] {
    return [...this.subscriptions].map((subscription) => subscription.pattern);
  }

  subscribe(pattern: string, listener: TopicListener<Message>): Unsubscribe {
    const subscription = { pattern, listener, seq: this.nextSeq++ };
    this.subscriptions.add(subscription);
    return () => {
      this.subscriptions.delete(subscription);
      return Promise.resolve();
    };
  }

  /**
   * Delivers after the current call stack (like a message off the wire), to the subscriptions made before this call.
   */
  publish(topic: string, message: Message): void {
    if (!this.anyMatches(topic)) return;
    const before = this.nextSeq;
    queueMicrotask(() => this.deliver(topic, message, before));
  }

  /** Delivers now. */
  dispatch(topic: string, message: Message): void {
    this.deliver(topic, message, this.nextSeq);
  }

  /** Removes every subscription; a delivery under way reaches no one more. */
  clear(): void {
    this.subscriptions.clear();
  }

  private anyMatches(topic: string): boolean {
    for (const { pattern } of this.subscriptions) if (matchesTopic(pattern, topic)) return true;
    return false;
  }

  private deliver(topic: string, message: Message, before: number): void {
    // The live set, not a copy: a removal takes effect at once, and no array is made per message. A Set's
    // iteration also visits what is added during it: `seq` keeps those for the next message (and a listener that
    // subscribes again on every message from looping forever).
    for (const subscription of this.subscriptions) {
      if (subscription.seq >= before || !matchesTopic(subscription.pattern, topic)) continue;
      try {
        subscription.listener(topic, message);
      } catch (error) {
        this.onError(error, topic, message);
      }
    }
  }
}
