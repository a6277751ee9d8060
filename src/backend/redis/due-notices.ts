// Due notices over Redis pub/sub. A script that makes a delayed job the earliest of its queue publishes
// "<queue>\n<dueAt>" on `<prefix>:due` (flushEvents in scripts/lib/events.lua), and a newly registered queue is
// announced as due now. Every process's idle fetchers hear it and re-arm their wait, so a producer in another
// process that adds an earlier job wakes them on time: a list marker would wake just one fetcher, anywhere.
import { duplicateClient, type RedisClient } from "./redis-client.js";

/** Hears a notice: `queue` may have work due at `dueAt` (ms); undefined queue means "look again, all". */
export type DueListener = (queue: string | undefined, dueAt: number) => void;

/** The `<prefix>:due` subscription of one backend, opened by its first fetch. */
export class DueNotices {
  private subscriber: RedisClient | undefined;
  private subscribing: Promise<void> | undefined;
  private readonly listeners = new Set<DueListener>();

  constructor(
    private readonly client: RedisClient,
    private readonly channel: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Calls `listener` for every notice until the returned function is called. */
  listen(listener: DueListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once SUBSCRIBE is active: every notice published after this is heard. */
  ensureSubscribed(): Promise<void> {
    this.subscribing ??= this.subscribe();
    this.subscribing.catch(() => (this.subscribing = undefined));
    return this.subscribing;
  }

  /** Announces that `queue` has work due at `dueAt` to every process's fetchers. */
  async publish(queue: string, dueAt: number): Promise<void> {
    await this.client.publish(this.channel, `${queue}\n${dueAt}`);
  }

  private async subscribe(): Promise<void> {
    // ioredis's own re-subscribe after a reconnect leaves its promise unhandled: a second drop during it was
    // an unhandled MaxRetriesPerRequestError (found by the model checker restarting Redis). Ours is handled.
    const subscriber = duplicateClient(this.client, { autoResubscribe: false });
    let connectedBefore = false;
    subscriber.on("error", (error: Error) => this.onError(error));
    subscriber.on("ready", () => {
      if (!connectedBefore) {
        connectedBefore = true;
        return;
      }
      subscriber.subscribe(this.channel).then(
        // Notices sent while it was away are lost: every fetcher looks again.
        () => this.dispatch(undefined, 0),
        (error: unknown) => this.onError(error),
      );
    });
    subscriber.on("message", (_channel: string, message: string) => {
      const newline = message.lastIndexOf("\n");
      const dueAt = Number(message.slice(newline + 1));
      if (newline > 0 && Number.isFinite(dueAt)) this.dispatch(message.slice(0, newline), dueAt);
    });
    this.subscriber = subscriber;
    await subscriber.subscribe(this.channel);
  }

  private dispatch(queue: string | undefined, dueAt: number): void {
    for (const listener of this.listeners) listener(queue, dueAt);
  }

  close(): void {
    this.listeners.clear();
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }
}
