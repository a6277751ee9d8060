// EventBus over Redis pub/sub: one PSUBSCRIBE per backend on `<prefix>:bus:*`, opened on the first
// subscription; topics are matched here with Warren's own wildcard rules (Redis globs would let `*` cross dots).
// The subscription is made again after every reconnect.
import { duplicateClient, isClusterClient, nodeClientFor, type RedisClient } from "./redis-client.js";
import type { MessageListener } from "../contract.js";
import { LocalBus } from "../local-bus.js";
import type { Unsubscribe } from "../records.js";

/** Publishes and receives EventBus messages for one key prefix. */
export class RedisBus {
  private subscriber: RedisClient | undefined;
  private subscribing: Promise<void> | undefined;
  private readonly local: LocalBus;
  private readonly channelPrefix: string;

  constructor(
    private readonly client: RedisClient,
    prefix: string,
    private readonly onError: (error: unknown) => void,
  ) {
    this.channelPrefix = `${prefix}:bus:`;
    this.local = new LocalBus(onError);
  }

  async publish(topic: string, payload: string): Promise<void> {
    // One node for every message of this backend: a cluster sends keyless commands to any node, and messages
    // published on two nodes can reach a subscriber out of order.
    const node = isClusterClient(this.client) ? nodeClientFor(this.client, this.channelPrefix) : undefined;
    await (node ?? this.client).publish(this.channelPrefix + topic, payload);
  }

  async subscribe(pattern: string, listener: MessageListener): Promise<Unsubscribe> {
    const unsubscribe = this.local.subscribe(pattern, listener);
    try {
      await this.ensureSubscribed();
    } catch (error) {
      await unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  private ensureSubscribed(): Promise<void> {
    this.subscribing ??= (async () => {
      // Not ioredis's own re-subscribe after a reconnect: it leaves its promise unhandled (see due-notices.ts).
      const subscriber = duplicateClient(this.client, { autoResubscribe: false });
      let connectedBefore = false;
      subscriber.on("error", () => undefined);
      subscriber.on("ready", () => {
        if (connectedBefore) subscriber.psubscribe(`${this.channelPrefix}*`).catch(this.onError);
        connectedBefore = true;
      });
      subscriber.on("pmessage", (_pattern: string, channel: string, message: string) =>
        this.local.dispatch(channel.slice(this.channelPrefix.length), message),
      );
      this.subscriber = subscriber;
      await subscriber.psubscribe(`${this.channelPrefix}*`);
    })();
    this.subscribing.catch(() => (this.subscribing = undefined));
    return this.subscribing;
  }

  close(): void {
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }
}
