// One recovering AMQP connection: reconnects with backoff and jitter (amqplib's recovery), and re-runs every
// registered setup (topology, channels, consumers) after each reconnect. Credentials never reach a message.
// Failed attempts are classified (connection-errors.ts): refused credentials or vhost end recovery for good, and
// until the first connection, callers waiting for it learn of each failed attempt at once.
import type * as amqp from "amqplib";
import { loadAmqplib } from "../load-driver.js";
import { realTimeNow } from "../../core/clock.js";
import type { Logger } from "../../logging/logger.js";
import { redactText } from "../../core/redacted-cause.js";
import { BackendUnavailableError, ClosedError, type WarrenError } from "../../errors/warren-error.js";
import { connectionTarget, type ConnectionTarget } from "../connection-target.js";
import {
  amqpConnectError,
  amqpTimeoutError,
  classifyAmqpConnectError,
  isPermanentAmqpFailure,
  type AmqpFailureContext,
} from "./connection-errors.js";

/** Runs after every (re)connect; registered setups run in order. */
export type ConnectionSetup = (model: amqp.ChannelModel) => Promise<void>;

/** Options for {@link AmqpConnection}. */
export interface AmqpConnectionOptions {
  /** `amqp://user:pass@host:5672/vhost` (only amqplib's own parameters). */
  url: string;
  /** TLS and socket options passed to the client (for `amqps://`). */
  socketOptions: amqp.SocketOptions;
  /** Shown in the broker's management UI as the connection's name. */
  connectionName: string;
  /** Bound of each connection attempt (socket timeout until the handshake ends) and of the first connection. */
  connectTimeoutMs: number;
  /** Reports connection trouble (already redacted). */
  onError: (error: Error) => void;
  /** Where recovery is logged (a reconnect, once each). */
  logger: Logger;
}

const RECOVERY = {
  initialDelay: 100,
  maxDelay: 5_000,
  factor: 2,
  jitter: 0.3,
  maxRetries: Infinity,
} as const;

type AttemptOutcome = { ok: true } | { ok: false; error: WarrenError };

/** A connection that recovers by itself; consumers and publishers register setups instead of holding channels. */
export class AmqpConnection {
  /** The broker's version, read from the connection's server properties. */
  serverVersion: string | undefined;
  private model: amqp.RecoveringChannelModel | undefined;
  private current: amqp.ChannelModel | undefined;
  private readonly setups = new Set<ConnectionSetup>();
  private waiters = new Set<(outcome: AttemptOutcome) => void>();
  private readonly target: ConnectionTarget;
  private everConnected = false;
  /** Refused credentials or vhost: recovery has stopped and every call fails with this. */
  private permanent: WarrenError | undefined;
  private closed = false;

  constructor(private readonly options: AmqpConnectionOptions) {
    this.target = connectionTarget(options.url);
  }

  /** Starts connecting; resolves at once (the first connection is awaited by `whenConnected`). */
  async start(): Promise<void> {
    const model = await loadAmqplib().connect(this.options.url, {
      // Nagle's algorithm held small frames (a publish, an ack) back for the peer's delayed ACK: ~35 ms per add.
      noDelay: true,
      // Until the handshake ends (amqplib clears it then): a port that accepts and never answers AMQP.
      timeout: this.options.connectTimeoutMs,
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
      if (this.everConnected)
        this.options.logger.info({ broker: this.target.host }, "reconnected to RabbitMQ");
      this.everConnected = true;
      this.settle({ ok: true });
    });
    model.on("connect-failed", (error: Error) => this.attemptFailed(error));
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

  /** Whether the broker was ever reached: a connection that is down now is then an outage, not a start. */
  get reachedOnce(): boolean {
    return this.everConnected;
  }

  /** Registers a setup that runs now (when connected) and after every reconnect. */
  async addSetup(setup: ConnectionSetup): Promise<void> {
    this.setups.add(setup);
    if (this.current) await setup(this.current);
  }

  removeSetup(setup: ConnectionSetup): void {
    this.setups.delete(setup);
  }

  /**
   * Resolves at once once the broker was reached (a later outage is the outbox's business); before that, waits
   * for the first connection at most connectTimeoutMs. Throws the typed reason: refused credentials at once,
   * a failed attempt as soon as it fails, CONNECT_TIMEOUT past the bound.
   */
  async whenFirstConnected(): Promise<void> {
    if (this.permanent) throw this.permanent;
    if (this.everConnected) return;
    await this.whenConnected(this.options.connectTimeoutMs);
  }

  /**
   * Resolves once connected. Refused credentials throw at once; before the first connection, a failed attempt
   * throws as soon as it fails and the wait is bounded by connectTimeoutMs (not `timeoutMs`, so the error's
   * bound is the one it names); after it, waits up to `timeoutMs` for recovery.
   */
  async whenConnected(timeoutMs: number): Promise<amqp.ChannelModel> {
    const bound = this.everConnected ? timeoutMs : this.options.connectTimeoutMs;
    const deadline = realTimeNow() + bound;
    while (!this.current) {
      if (this.permanent) throw this.permanent;
      if (this.closed) throw new ClosedError("the RabbitMQ backend is closed; create a new one");
      const left = deadline - realTimeNow();
      if (left <= 0) {
        if (!this.everConnected) throw amqpTimeoutError(this.context());
        throw new BackendUnavailableError(
          `RabbitMQ at ${this.target.host} (${this.target.url}) is unreachable (waited ${bound} ms); retry later`,
          { details: { host: this.target.host, url: this.target.url } },
        );
      }
      const outcome = await new Promise<AttemptOutcome | undefined>((resolve) => {
        const timer = setTimeout(() => {
          this.waiters.delete(wake);
          resolve(undefined);
        }, left);
        const wake = (attempt: AttemptOutcome): void => {
          clearTimeout(timer);
          resolve(attempt);
        };
        this.waiters.add(wake);
      });
      // Before the first connection a failed attempt answers the caller now; after it, recovery keeps going.
      if (outcome && !outcome.ok && !this.everConnected) throw outcome.error;
    }
    return this.current;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.settle({ ok: true });
    await this.model?.close().catch(() => undefined);
  }

  private attemptFailed(error: Error): void {
    if (this.closed) return;
    const typed = amqpConnectError(error, this.context());
    if (isPermanentAmqpFailure(classifyAmqpConnectError(error))) {
      if (this.permanent) return;
      this.permanent = typed;
      this.options.onError(typed);
      // Retrying the same credentials cannot succeed, and each refused login is logged by the broker.
      this.model?.close().catch(() => undefined);
    }
    this.settle({ ok: false, error: this.permanent ?? typed });
  }

  private settle(outcome: AttemptOutcome): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake(outcome);
  }

  private context(): AmqpFailureContext {
    return { target: this.target, connectTimeoutMs: this.options.connectTimeoutMs };
  }

  private describe(error: Error, what: string): BackendUnavailableError {
    // Driver messages may echo the URL: redact before anything is logged.
    return new BackendUnavailableError(
      `${what} (${this.target.host}): ${redactText(error.message, this.target.password)}`,
    );
  }
}
