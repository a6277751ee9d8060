// Listens on the schema's event and bus channels with one dedicated connection: delivers events to subscribers,
// wakes idle fetchers, and delivers EventBus messages. Reconnects by itself (with backoff) and LISTENs again.
import type pg from "pg";
import type { Logger } from "../../logging/logger.js";
import { loadPg } from "../load-driver.js";
import type { MessageListener } from "../contract.js";
import { LocalBus } from "../local-bus.js";
import type { QueueEventRecord, Unsubscribe } from "../records.js";

const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 5_000;
/** The events that may make a job claimable, as they appear in a payload. */
const WAKING = new Set(["waiting", "resumed", "delayed"]);
/** The same, as JSON.stringify writes them in a payload. */
const WAKING_EVENTS = [...WAKING].map((event) => `"event":"${event}"`);

/** The LISTEN side of the backend. */
export class NotifyListener {
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private readonly events: LocalBus<QueueEventRecord>;
  private readonly bus: LocalBus;
  private readonly wakeups = new Set<(queue: string) => void>();
  private closed = false;
  private failures = 0;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channel: string,
    private readonly busChannel: string,
    private readonly onError: (error: unknown) => void,
    private readonly logger: Logger,
  ) {
    this.events = new LocalBus(onError);
    this.bus = new LocalBus(onError);
  }

  /** Resolves once LISTEN is active: every event committed after this is delivered. */
  async subscribe(pattern: string, listener: (event: QueueEventRecord) => void): Promise<Unsubscribe> {
    await this.ensureListening();
    return this.events.subscribe(pattern, (_queue, event) => listener(event));
  }

  /** Calls `wake(queue)` for every event that may make a job claimable. */
  onReady(wake: (queue: string) => void): () => void {
    this.wakeups.add(wake);
    return () => this.wakeups.delete(wake);
  }

  ensureListening(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new (loadPg().Client)(this.config);
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client, new Error("listener connection ended")));
    client.on("notification", (message) =>
      message.channel === this.busChannel
        ? this.dispatchBus(message.payload)
        : this.dispatch(message.payload),
    );
    await client.connect();
    await client.query(`LISTEN "${this.channel}"; LISTEN "${this.busChannel}"`);
    this.client = client;
    this.failures = 0;
  }

  private lost(client: pg.Client, error: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    if (this.closed) return;
    this.onError(error);
    void this.reconnect();
  }

  private async reconnect(): Promise<void> {
    while (!this.closed && !this.client) {
      const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** this.failures++);
      await new Promise((resolve) => setTimeout(resolve, delay));
      try {
        await this.ensureListening();
        this.logger.info({ channel: this.channel }, "reconnected to PostgreSQL; listening again");
        // Notifications may have been missed while disconnected: let every fetcher look again.
        for (const wake of this.wakeups) wake("*");
      } catch (error) {
        this.onError(error);
      }
    }
  }

  /** Resolves once LISTEN is active: every bus message published after this is delivered. */
  async subscribeBus(pattern: string, listener: MessageListener): Promise<Unsubscribe> {
    await this.ensureListening();
    return this.bus.subscribe(pattern, listener);
  }

  private dispatchBus(payload: string | undefined): void {
    if (!payload) return;
    let message: { topic: string; payload: string };
    try {
      message = JSON.parse(payload) as { topic: string; payload: string };
    } catch (error) {
      this.onError(error);
      return;
    }
    this.bus.dispatch(message.topic, message.payload);
  }

  private dispatch(payload: string | undefined): void {
    if (!payload) return;
    // Without event subscribers only wake-ups matter, and most payloads (claims, finishes) carry none: a search
    // of the text, which JSON.stringify wrote, skips parsing them. A job name that looks like one only costs a parse.
    if (this.events.size === 0 && !WAKING_EVENTS.some((event) => payload.includes(event))) return;
    let events: QueueEventRecord[];
    try {
      events = JSON.parse(payload) as QueueEventRecord[];
    } catch (error) {
      this.onError(error);
      return;
    }
    for (const event of events) {
      if (WAKING.has(event.event)) {
        for (const wake of this.wakeups) wake(event.queue);
      }
      this.events.dispatch(event.queue, event);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    // Parked fetches look again, find the backend closed, and end at once instead of at their next poll.
    for (const wake of [...this.wakeups]) wake("*");
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
