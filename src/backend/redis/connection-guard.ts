// Stands between the Redis backend and its ioredis connections. Until the first connection is ready, calls wait
// for it at most connectTimeoutMs and fail with the typed reason (ioredis would queue them, retry, and reject
// with a bare MaxRetriesPerRequestError — or, for a silent port, never). Refused credentials and a database
// index the server lacks are permanent: every connection is closed (ioredis would otherwise reconnect forever,
// and after a failed SELECT it goes on in database 0) and every later call fails at once with that error.
import type { RedisClient } from "./redis-client.js";
import { BackendUnavailableError, WarrenError } from "../../errors/warren-error.js";
import type { Logger } from "../../logging/logger.js";
import type { ConnectionTarget } from "../connection-target.js";
import {
  classifyRedisError,
  redisClosedError,
  redisConnectionError,
  redisTimeoutError,
  type RedisFailureContext,
} from "./connection-errors.js";

/** Options for {@link RedisConnectionGuard}. */
export interface RedisConnectionGuardOptions {
  /** Where the connection goes, as errors name it. */
  target: ConnectionTarget;
  /** How long a call waits for the first connection. */
  connectTimeoutMs: number;
  /** Reports every connection error of the primary connection, translated. */
  onError: (error: Error) => void;
  /** Whether the primary connection is the backend's to close (false for a caller's `client`). */
  ownsClient: boolean;
  /** Where recovery is logged (a reconnect, once each). */
  logger: Logger;
}

type Outcome = { ok: true } | { ok: false; error: unknown };

const READY: Promise<void> = Promise.resolve();

/** The first-connection gate and error translator of one Redis backend. */
export class RedisConnectionGuard {
  private everReady = false;
  private permanent: WarrenError | undefined;
  private lastConnectionError: Error | undefined;
  private handshaking = false;
  /** The connection was lost after it was ready, and that was reported; cleared when it is ready again. */
  private lost = false;
  private readonly waiters = new Set<(outcome: Outcome) => void>();
  private readonly connections = new Set<RedisClient>();

  constructor(
    private readonly client: RedisClient,
    private readonly options: RedisConnectionGuardOptions,
  ) {
    this.everReady = client.status === "ready";
    client.on("connect", () => (this.handshaking = true));
    client.on("close", () => {
      const duringHandshake = this.handshaking;
      this.handshaking = false;
      // A peer that is not Redis may close without an error event (after the first attempt, ioredis reports
      // none): the attempt has failed all the same, so calls waiting for it learn so now, not at the timeout.
      if (!this.everReady && this.permanent === undefined && this.waiters.size > 0) {
        const context = { ...this.context(), duringHandshake };
        const error = this.lastConnectionError;
        this.settle({
          ok: false,
          error: error ? redisConnectionError(error, context) : redisClosedError(context),
        });
      }
    });
    client.on("ready", () => {
      this.handshaking = false;
      if (this.permanent) return;
      if (this.lost) this.options.logger.info({ server: this.options.target.host }, "reconnected to Redis");
      this.lost = false;
      this.everReady = true;
      this.lastConnectionError = undefined;
      this.settle({ ok: true });
    });
    // ioredis retries after a drop it did not ask for (a server restart, a killed client): said once per outage.
    client.on("reconnecting", () => {
      if (!this.everReady || this.lost || this.permanent) return;
      this.lost = true;
      const { host, url } = this.options.target;
      this.options.onError(
        new BackendUnavailableError(`lost the Redis connection to ${host} (${url}); reconnecting`, {
          details: { host, url },
        }),
      );
    });
    client.on("error", (error: Error) => {
      const translated = this.failed(error);
      this.options.onError(translated instanceof Error ? translated : error);
    });
    if (options.ownsClient) this.connections.add(client);
  }

  /** Whether calls may go straight to the connection: it was ready once and nothing permanent failed. */
  get open(): boolean {
    return this.everReady && this.permanent === undefined;
  }

  /**
   * Watches a duplicated connection (event reader, subscriber): its permanent failures close everything too, and
   * it is closed with the rest. Its other errors surface through its own commands.
   */
  watch(connection: RedisClient): void {
    this.connections.add(connection);
    connection.on("error", (error: Error) => {
      if (isPermanent(error)) this.failed(error);
    });
  }

  /** Resolves once the first connection is ready; rejects with the typed reason within connectTimeoutMs. */
  ready(): Promise<void> {
    if (this.permanent) return Promise.reject(this.permanent);
    if (this.everReady) return READY;
    if (this.client.status === "ready") {
      this.everReady = true;
      return READY;
    }
    // A caller's lazyConnect client connects on its first command, which this gate holds back: start it here.
    if (this.client.status === "wait") this.client.connect().catch(() => undefined);
    if (this.client.status === "end") {
      return Promise.reject(this.translate(this.lastConnectionError ?? new Error("Connection is closed.")));
    }
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(settle);
        reject(redisTimeoutError(this.context()));
      }, this.options.connectTimeoutMs);
      const settle = (outcome: Outcome): void => {
        clearTimeout(timer);
        if (outcome.ok) resolve();
        else reject(outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error)));
      };
      this.waiters.add(settle);
    });
  }

  /** Runs one command once the first connection is ready, its error translated. */
  async call<T>(command: () => Promise<T>): Promise<T> {
    if (!this.open) await this.ready();
    try {
      return await command();
    } catch (error) {
      throw this.translate(error);
    }
  }

  /** The Warren error for a driver error; errors not about the connection are returned as they are. */
  translate(error: unknown): Error {
    if (error instanceof WarrenError) return error;
    // After a permanent failure the connections were closed on purpose: say why, not "connection is closed".
    if (this.permanent && classifyRedisError(error) === "unavailable") return this.permanent;
    const translated = redisConnectionError(error, this.context());
    return translated instanceof Error ? translated : new Error(String(translated));
  }

  /** Fails calls still waiting for the first connection with `error` (the backend is closing). */
  close(error: WarrenError): void {
    this.settle({ ok: false, error });
  }

  /** Records a connection error; returns its translation. */
  private failed(error: Error): unknown {
    const translated = redisConnectionError(error, this.context());
    if (isPermanent(error)) {
      if (this.permanent === undefined && translated instanceof WarrenError) {
        this.permanent = translated;
        // Synchronously, inside the error event: ioredis would otherwise finish the handshake (after a failed
        // SELECT, in database 0) and flush queued commands there.
        for (const connection of this.connections) connection.disconnect();
        this.settle({ ok: false, error: translated });
      }
      return this.permanent ?? translated;
    }
    if (classifyRedisError(error) !== "other") this.lastConnectionError = error;
    if (!this.everReady) this.settle({ ok: false, error: translated });
    return translated;
  }

  private settle(outcome: Outcome): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const settle of waiters) settle(outcome);
  }

  private context(): RedisFailureContext {
    return {
      target: this.options.target,
      connectTimeoutMs: this.options.connectTimeoutMs,
      duringHandshake: this.handshaking,
      lastConnectionError: this.lastConnectionError,
    };
  }
}

function isPermanent(error: unknown): boolean {
  const kind = classifyRedisError(error);
  return kind === "auth" || kind === "db-index";
}
