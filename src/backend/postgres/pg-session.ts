// The connection side of the PostgreSQL store: the pool and the LISTEN connection, the schema migrated on first
// use, and tx() — one transaction per operation, retried on serialization failures, deadlocks and lost
// connections on a fresh client, its events NOTIFYed right before COMMIT and its outbox entries told to the
// transport right after. Every pg error leaves through translate(), typed and redacted.
import type pg from "pg";
import type { Clock } from "../../core/clock.js";
import { BackendUnavailableError, ClosedError } from "../../errors/warren-error.js";
import { connectionTarget, type ConnectionTarget } from "../connection-target.js";
import type { StoreSignals } from "../job-store.js";
import { loadPg } from "../load-driver.js";
import { classifyPgError, pgConnectionError } from "./connection-errors.js";
import { EventAnnouncer } from "./event-announcer.js";
import { migrate } from "./migrator.js";
import { NotifyListener } from "./notify-listener.js";
import { PgTx, STANDALONE_NOTIFY } from "./pg-tx.js";
import type { ResolvedPostgresStoreOptions } from "./postgres-options.js";
import { loadQueries, runQuery, type Queries } from "./query-runner.js";

/** SQLSTATEs a transaction is retried on: serialization failure, deadlock, server shutdown, lost connection. */
const RETRYABLE = new Set(["40001", "40P01", "57P01", "57P02", "57P03", "08000", "08003", "08006"]);
const TX_ATTEMPTS = 3;

/** The pool, the LISTEN connection and the transactions of one PostgresStore. */
export class PgSession {
  readonly clock: Clock;
  readonly schema: string;
  /** The LISTEN connection that hears events, wake-ups and EventBus messages. */
  readonly listener: NotifyListener;
  private readonly quoted: string;
  /** The NOTIFY channel of this schema's events (and wake-ups). */
  readonly eventChannel: string;
  private readonly busChannel: string;
  private readonly pool: pg.Pool;
  private readonly ownsPool: boolean;
  private readonly preparedStatements: boolean;
  private readonly onError: (error: Error) => void;
  private readonly target: ConnectionTarget;
  /** Where the LISTEN connection and the migration connect: directUrl's server, or the pool's. */
  private readonly directTarget: ConnectionTarget;
  private readonly connectTimeoutMs: number;
  /** The settings of the connections that need a session of their own (see PostgresStoreOptions.directUrl). */
  private readonly directConfig: pg.ClientConfig | undefined;
  private everConnected = false;
  private readyPromise: Promise<Queries> | undefined;
  /** On once a transport watches (see JobStore.watch): transactions then record ready jobs. */
  private outbox = false;
  /** The transport's ears, in store mode (see JobStore.watch). */
  private signals: StoreSignals | undefined;
  private closed = false;
  /** Sends the events of self-committed statements after them, in commit order (see tx). */
  private readonly announcer: EventAnnouncer;

  constructor(options: ResolvedPostgresStoreOptions) {
    const { schema, pool } = options;
    this.schema = schema;
    this.quoted = `"${schema}"`;
    this.eventChannel = `${schema}_events`;
    this.busChannel = `${schema}_bus`;
    this.onError = options.onError;
    this.ownsPool = pool === undefined;
    this.connectTimeoutMs = options.connectTimeoutMs;
    const config: pg.PoolConfig = pool
      ? { ...pool.options }
      : {
          connectionString: options.url,
          max: options.poolSize,
          application_name: options.applicationName,
          // pg waits forever by default: a port that accepts and never answers (not PostgreSQL) hung every call.
          connectionTimeoutMillis: this.connectTimeoutMs,
        };
    this.target = connectionTarget(pool ? poolUrl(config) : options.url);
    this.pool = pool ?? new (loadPg().Pool)(config);
    this.pool.on("error", (error) => this.onError(this.translate(error)));
    // A checked-out client whose connection dies between queries emits "error" outside any query; the next
    // query on it fails and tx() retries on a fresh one, so here it is only reported.
    this.pool.on("connect", (client) => {
      this.everConnected = true;
      client.on("error", (error) => this.onError(this.translate(error)));
    });
    this.clock = options.clock;
    this.preparedStatements = options.preparedStatements;
    this.directConfig =
      options.directUrl === undefined
        ? undefined
        : {
            connectionString: options.directUrl,
            application_name: options.applicationName,
            connectionTimeoutMillis: this.connectTimeoutMs,
          };
    this.directTarget = options.directUrl === undefined ? this.target : connectionTarget(options.directUrl);
    // Events that need no flush: they store nothing (see STANDALONE_NOTIFY).
    this.announcer = new EventAnnouncer(
      (payloads) => this.pool.query(STANDALONE_NOTIFY, [this.eventChannel, JSON.stringify(payloads)]),
      (error) => {
        if (!this.closed) this.onError(this.translate(error));
      },
    );
    this.listener = new NotifyListener(
      this.directConfig ?? config,
      this.eventChannel,
      this.busChannel,
      (error) => this.onError(this.translate(error, this.directTarget)),
      options.logger.child({ backend: "postgres" }),
    );
  }

  /** Creates or upgrades the schema (also done on first use). Returns the migration versions applied. */
  async migrate(): Promise<number[]> {
    // The migration lock is a session lock: behind a transaction pooler it takes a direct connection.
    const pool = this.directConfig ? new (loadPg().Pool)({ ...this.directConfig, max: 1 }) : this.pool;
    try {
      return await migrate(pool, this.schema, this.quoted);
    } catch (error) {
      throw this.translate(error, this.directTarget);
    } finally {
      if (pool !== this.pool) await pool.end();
    }
  }

  /** The Warren error for a pg error (connection failures typed and redacted; query errors as they are). */
  translate(error: unknown, target = this.target): Error {
    const translated = pgConnectionError(error, {
      target,
      connectTimeoutMs: this.connectTimeoutMs,
      everConnected: this.everConnected,
    });
    return translated instanceof Error ? translated : new Error(String(translated));
  }

  /** Throws ClosedError once close() was called: no handle may use a closed backend. */
  assertOpen(): void {
    if (this.closed) throw new ClosedError("the postgres backend is closed; create a new one");
  }

  /** Resolves once the schema is migrated and the queries are loaded. */
  ready(): Promise<Queries> {
    if (this.closed)
      return Promise.reject(new ClosedError("the postgres backend is closed; create a new one"));
    this.readyPromise ??= (async () => {
      await this.migrate();
      return loadQueries(this.quoted, this.preparedStatements);
    })();
    this.readyPromise.catch(() => (this.readyPromise = undefined));
    return this.readyPromise;
  }

  /**
   * Runs `work` in a transaction, sends its events at commit, and retries on deadlocks and lost connections.
   * With `atomic: false`, `work` is a single statement that commits on its own; its events follow it, sent by
   * the announcer after the result is returned.
   */
  async tx<T>(work: (tx: PgTx) => Promise<T>, { atomic = true }: { atomic?: boolean } = {}): Promise<T> {
    const queries = await this.ready();
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient | undefined;
      try {
        client = await this.pool.connect();
        const tx = new PgTx(client, queries, this.clock.now(), this.outbox);
        if (!atomic) {
          const result = await work(tx);
          client.release();
          this.tellTransport(tx);
          // The work has committed; its events follow it without holding the caller (a claim's jobs start
          // while their "active" events are on the wire), and a failed notify loses them, never the work.
          this.announcer.announce(tx.takePayloads());
          return result;
        }
        await client.query("BEGIN");
        try {
          const result = await work(tx);
          // Events of statements that returned before this one are sent first: theirs precede ours.
          if (tx.events.length > 0) await this.announcer.sent();
          await tx.notify(this.eventChannel);
          await client.query("COMMIT");
          client.release();
          this.tellTransport(tx);
          return result;
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw error;
        }
      } catch (error) {
        // close() ended the pool under this transaction: say so, rather than "unavailable".
        this.assertOpen();
        const code = (error as { code?: string }).code;
        // A connect timeout is not retried: three more waits would stretch connectTimeoutMs threefold.
        const connectionLost =
          code === undefined &&
          /terminat|Connection|ECONN|closed/i.test(String(error)) &&
          classifyPgError(error) !== "timeout";
        client?.release(connectionLost || RETRYABLE.has(code ?? "") ? (error as Error) : undefined);
        if (attempt < TX_ATTEMPTS && (RETRYABLE.has(code ?? "") || connectionLost)) continue;
        const translated = this.translate(error);
        if (translated !== error) throw translated;
        if (connectionLost || code?.startsWith("08") || code?.startsWith("57P")) {
          throw new BackendUnavailableError(
            `PostgreSQL at ${this.target.host} is unavailable (${translated.message}); retry later`,
            { cause: translated, details: { host: this.target.host, url: this.target.url } },
          );
        }
        throw error;
      }
    }
  }

  /** Runs one query outside a transaction. */
  async query<R extends pg.QueryResultRow>(name: string, params: unknown[]): Promise<R[]> {
    const queries = await this.ready();
    try {
      return await runQuery<R>(this.pool, queries, name, params);
    } catch (error) {
      this.assertOpen();
      throw this.translate(error);
    }
  }

  /** Runs `subscribe` on the LISTEN connection once the schema is ready; its errors leave translated. */
  async listen<T>(subscribe: (listener: NotifyListener) => Promise<T>): Promise<T> {
    await this.ready();
    try {
      return await subscribe(this.listener);
    } catch (error) {
      throw this.translate(error, this.directTarget);
    }
  }

  /** NOTIFYs an EventBus message (already sized by the caller) on the bus channel. */
  async notifyBus(message: string): Promise<void> {
    await this.ready();
    try {
      // A message is fire-and-forget: its commit need not wait for the disk (see STANDALONE_NOTIFY).
      await this.pool.query(STANDALONE_NOTIFY, [this.busChannel, JSON.stringify([message])]);
    } catch (error) {
      this.assertOpen();
      throw this.translate(error);
    }
  }

  /** A transport watches (see JobStore.watch): transactions that start from now on record ready jobs. */
  watch(signals: StoreSignals): void {
    this.signals = signals;
    this.outbox = true;
  }

  async ping(): Promise<void> {
    this.assertOpen();
    try {
      await this.pool.query("SELECT 1");
    } catch (error) {
      this.assertOpen();
      throw this.translate(error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // The events of work that returned before close go out before the pool ends.
    await this.announcer.sent();
    await this.listener.close();
    if (this.ownsPool) await this.pool.end().catch(() => undefined);
  }

  /** After a commit: the transport hears of outbox entries and dead letters the transaction made. */
  private tellTransport(tx: PgTx): void {
    if (!this.signals) return;
    for (const queue of tx.outboxFilled) this.signals.outboxFilled(queue);
    for (const dead of tx.deadLetters) this.signals.deadLettered(dead.queue, dead.id, dead.reason);
  }
}

/** A caller's pool as a URL, only to name its host in errors (without credentials). */
function poolUrl(config: pg.PoolConfig): string {
  if (config.connectionString) return config.connectionString;
  const host = config.host ?? "127.0.0.1";
  return `postgres://${host.includes(":") ? `[${host}]` : host}:${config.port ?? 5432}/${config.database ?? ""}`;
}
