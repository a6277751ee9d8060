// One recovering AMQP connection: reconnects with backoff and jitter (amqplib's recovery), and re-runs every
// registered setup (topology, channels, consumers) after each reconnect. Credentials never reach a message.
import type * as amqp from "amqplib";
import { loadAmqplib } from "../load-driver.js";
import { redactUrl } from "../../core/redact-url.js";
import { BackendUnavailableError } from "../../errors/warren-error.js";

/** Runs after every (re)connect; registered setups run in order. */
export type ConnectionSetup = (model: amqp.ChannelModel) => Promise<void>;

/** Options for {@link AmqpConnection}. */
export interface AmqpConnectionOptions {
  url: string;
  /** TLS and socket options passed to the client (for `amqps://`). */
  socketOptions: amqp.SocketOptions;
  /** Shown in the broker's management UI as the connection's name. */
  connectionName: string;
  onError: (error: Error) => void;
}

const RECOVERY = {
  initialDelay: 100,
  maxDelay: 5_000,
  factor: 2,
  jitter: 0.3,
  maxRetries: Infinity,
} as const;

/** A connection that recovers by itself; consumers and publishers register setups instead of holding channels. */
export class AmqpConnection {
  /** The broker's version, read from the connection's server properties. */
  serverVersion: string | undefined;
  private model: amqp.RecoveringChannelModel | undefined;
  private current: amqp.ChannelModel | undefined;
  private readonly setups = new Set<ConnectionSetup>();
  private waiters = new Set<() => void>();
  private closed = false;

  constructor(private readonly options: AmqpConnectionOptions) {}

  /** Starts connecting; resolves at once (the first connection is awaited by `whenConnected`). */
  async start(): Promise<void> {
    const model = await loadAmqplib().connect(this.options.url, {
      // Nagle's algorithm held small frames (a publish, an ack) back for the peer's delayed ACK: ~35 ms per add.
      noDelay: true,
      ...this.options.socketOptions,
      clientProperties: {
        ...this.options.socketOptions.clientProperties,
        connection_name: this.options.connectionName,
      },
      recovery: {
        ...RECOVERY,
        waitForConnect: false,
        setup: async (connected: amqp.ChannelModel) => {
          this.current = connected;
          this.serverVersion = connected.connection.serverProperties.version;
          for (const setup of this.setups) await setup(connected);
        },
      },
    });
    this.model = model;
    model.on("connect", () => {
      for (const wake of this.waiters) wake();
      this.waiters.clear();
    });
    model.on("disconnect", (error: Error) => {
      this.current = undefined;
      if (!this.closed)
        this.options.onError(this.describe(error, "lost the RabbitMQ connection; reconnecting"));
    });
    model.on("error", (error: Error) =>
      this.options.onError(this.describe(error, "RabbitMQ connection error")),
    );
    model.on("handler-error", (error: Error) => this.options.onError(error));
  }

  /** Whether the connection is up now. */
  get connected(): boolean {
    return this.current !== undefined;
  }

  /** Registers a setup that runs now (when connected) and after every reconnect. */
  async addSetup(setup: ConnectionSetup): Promise<void> {
    this.setups.add(setup);
    if (this.current) await setup(this.current);
  }

  removeSetup(setup: ConnectionSetup): void {
    this.setups.delete(setup);
  }

  /** Resolves once connected; throws BackendUnavailableError after `timeoutMs`. */
  async whenConnected(timeoutMs: number): Promise<amqp.ChannelModel> {
    const deadline = Date.now() + timeoutMs;
    while (!this.current) {
      if (this.closed) throw new BackendUnavailableError("the RabbitMQ backend is closed");
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new BackendUnavailableError(
          `RabbitMQ at ${redactUrl(this.options.url)} is unreachable (waited ${timeoutMs} ms); retry later`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.current;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const wake of this.waiters) wake();
    this.waiters.clear();
    await this.model?.close().catch(() => undefined);
  }

  private describe(error: Error, what: string): BackendUnavailableError {
    // Driver messages may echo the URL: redact before anything is logged.
    const detail = error.message.replace(/amqps?:\/\/[^\s"']+/gi, (url) => redactUrl(url));
    return new BackendUnavailableError(`${what}: ${detail}`);
  }
}
