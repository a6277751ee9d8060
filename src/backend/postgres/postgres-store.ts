// The PostgreSQL job store: one jobs table, claims with FOR UPDATE SKIP LOCKED through a partial index of
// ready jobs, NOTIFYs for wake-ups and events (a few per transaction, never one per job), versioned
// migrations. Client time is authoritative: every statement takes `now` as a parameter. PostgresBackend
// composes it with the LISTEN delivery; AmqpBackend with RabbitMQ.
import type pg from "pg";
import { loadPg } from "../load-driver.js";
import type { Clock } from "../../core/clock.js";
import { BackendUnavailableError, ClosedError, ValidationError } from "../../errors/warren-error.js";
import { connectionTarget, type ConnectionTarget } from "../connection-target.js";
import type { JobState } from "../../model/job-state.js";
import type { CancelResult, MessageListener } from "../contract.js";
import type {
  ClaimRequest,
  ClaimResult,
  JobStore,
  OutboxEntry,
  PromoteResult,
  ReadyClaim,
  ReadyClaimRequest,
  StoreSignals,
} from "../job-store.js";
import type {
  EnqueueResult,
  FinishStatus,
  JobRecord,
  ListQuery,
  LockRef,
  MaintenanceReport,
  NewJobRecord,
  Outcome,
  QueueEventRecord,
  ScheduleFire,
  ScheduleRecord,
  Unsubscribe,
  WorkerInfo,
} from "../records.js";
import * as admin from "./postgres-admin.js";
import * as schedules from "./postgres-schedules.js";
import { FastFinishGate, finishFast } from "./finish-fast.js";
import { finishOutcomes } from "./finish-outcomes.js";
import { classifyPgError, pgConnectionError } from "./connection-errors.js";
import {
  claimFast,
  claimIds,
  claimReady,
  enqueueJobs,
  maintainQueue,
  promoteDueJobs,
  rearmStale,
} from "./postgres-operations.js";
import { migrate } from "./migrator.js";
import { NotifyListener } from "./notify-listener.js";
import { PgTx } from "./pg-tx.js";
import { loadQueries, runQuery, type Queries } from "./query-runner.js";
import { decodeRow, type JobRow } from "./record-codec.js";
import { resolvePostgresStoreOptions, type PostgresStoreOptions } from "./postgres-options.js";

/** NOTIFY payloads must stay under 8000 bytes. */
const MAX_BUS_BYTES = 7_900;
const RETRYABLE = new Set(["40001", "40P01", "57P01", "57P02", "57P03", "08000", "08003", "08006"]);
const TX_ATTEMPTS = 3;
const UNIQUE_VIOLATION = "23505";

/**
 * Job state in PostgreSQL, shared by every process that uses the same database and schema. Delivered by
 * PostgresBackend's LISTEN/NOTIFY fetch, or by a transport.
 * @example new AmqpBackend({ url, store: new PostgresStore({ url: "postgres://postgres@127.0.0.1/app" }) })
 */
export class PostgresStore implements JobStore {
  readonly kind = "postgres";
  readonly crossProcess = true;
  readonly clock: Clock;
  readonly schema: string;
  /** @internal For this folder's delivery: the LISTEN connection that hears which queues have work. */
  readonly listener: NotifyListener;
  private readonly pool: pg.Pool;
  private readonly ownsPool: boolean;
  private readonly quoted: string;
  private readonly channel: string;
  private readonly busChannel: string;
  /** On once a transport watches (see JobStore.watch): transactions then record ready jobs. */
  private outbox = false;
  private readonly preparedStatements: boolean;
  private readonly fastFinish = new FastFinishGate();
  private readonly onError: (error: Error) => void;
  private readonly target: ConnectionTarget;
  private readonly connectTimeoutMs: number;
  private everConnected = false;
  private readyPromise: Promise<Queries> | undefined;
  /** The transport's ears, in store mode (see JobStore.watch). */
  private signals: StoreSignals | undefined;
  private closed = false;

  constructor(options: PostgresStoreOptions = {}) {
    const resolved = resolvePostgresStoreOptions(options);
    const { schema, pool } = resolved;
    this.schema = schema;
    this.quoted = `"${schema}"`;
    this.channel = `${schema}_events`;
    this.onError = resolved.onError;
    this.ownsPool = pool === undefined;
    this.connectTimeoutMs = resolved.connectTimeoutMs;
    const config: pg.PoolConfig = pool
      ? { ...pool.options }
      : {
          connectionString: resolved.url,
          max: resolved.poolSize,
          application_name: resolved.applicationName,
          // pg waits forever by default: a port that accepts and never answers (not PostgreSQL) hung every call.
          connectionTimeoutMillis: this.connectTimeoutMs,
        };
    this.target = connectionTarget(pool ? poolUrl(config) : resolved.url);
    this.pool = pool ?? new (loadPg().Pool)(config);
    this.pool.on("error", (error) => this.onError(this.translate(error)));
    // A checked-out client whose connection dies between queries emits "error" outside any query; the next
    // query on it fails and tx() retries on a fresh one, so here it is only reported.
    this.pool.on("connect", (client) => {
      this.everConnected = true;
      client.on("error", (error) => this.onError(this.translate(error)));
    });
    this.clock = resolved.clock;
    this.preparedStatements = resolved.preparedStatements;
    this.busChannel = `${schema}_bus`;
    this.listener = new NotifyListener(config, this.channel, this.busChannel, (error) =>
      this.onError(this.translate(error)),
    );
  }

  /** Creates or upgrades the schema (also done on first use). Returns the migration versions applied. */
  async migrate(): Promise<number[]> {
    try {
      return await migrate(this.pool, this.schema, this.quoted);
    } catch (error) {
      throw this.translate(error);
    }
  }

  /** The Warren error for a pg error (connection failures typed and redacted; query errors as they are). */
  private translate(error: unknown): Error {
    const translated = pgConnectionError(error, {
      target: this.target,
      connectTimeoutMs: this.connectTimeoutMs,
      everConnected: this.everConnected,
    });
    return translated instanceof Error ? translated : new Error(String(translated));
  }

  /** Throws ClosedError once close() was called: no handle may use a closed backend. */
  /** @internal */
  assertOpen(): void {
    if (this.closed) throw new ClosedError("the postgres backend is closed; create a new one");
  }

  /** @internal Resolves once the schema is migrated and the queries are loaded. */
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
   * With `atomic: false`, `work` is a single statement that commits on its own; its events follow it.
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
          // The work has committed: a failed notify loses its events, never its result (claimed jobs).
          await tx.notify(this.channel).catch((error: unknown) => this.onError(error as Error));
          client.release();
          this.tellTransport(tx);
          return result;
        }
        await client.query("BEGIN");
        try {
          const result = await work(tx);
          await tx.notify(this.channel);
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

  /** After a commit: the transport hears of outbox entries and dead letters the transaction made. */
  private tellTransport(tx: PgTx): void {
    if (!this.signals) return;
    for (const queue of tx.outboxFilled) this.signals.outboxFilled(queue);
    for (const dead of tx.deadLetters) this.signals.deadLettered(dead.queue, dead.id, dead.reason);
  }

  async acquireLock(key: string, token: string, ttlMs: number): Promise<number | undefined> {
    const [row] = await this.query<{ fence: string }>("acquire_lock", [key, token, this.clock.now(), ttlMs]);
    return row === undefined ? undefined : Number(row.fence);
  }

  async extendLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.query("extend_lock", [key, token, this.clock.now(), ttlMs])).length === 1;
  }

  async releaseLock(key: string, token: string): Promise<boolean> {
    return (await this.query("release_lock", [key, token, this.clock.now()])).length === 1;
  }

  async heartbeatWorker(info: WorkerInfo, ttlMs: number): Promise<void> {
    await this.query("heartbeat_worker", [info.id, JSON.stringify(info), this.clock.now() + ttlMs]);
  }

  async deregisterWorker(id: string): Promise<void> {
    await this.query("deregister_worker", [id]);
  }

  async listWorkers(): Promise<WorkerInfo[]> {
    const rows = await this.query<{ info: WorkerInfo }>("list_workers", [this.clock.now()]);
    return rows.map((row) => row.info);
  }

  async publishMessage(topic: string, payload: string): Promise<void> {
    const message = JSON.stringify({ topic, payload });
    const bytes = Buffer.byteLength(message);
    if (bytes > MAX_BUS_BYTES) {
      throw new ValidationError(
        "PAYLOAD_TOO_LARGE",
        `an EventBus message on PostgreSQL must stay under ${MAX_BUS_BYTES} bytes with its topic (got ${bytes}); ` +
          `publish a reference to the data instead`,
        { details: { bytes, maxBytes: MAX_BUS_BYTES } },
      );
    }
    await this.ready();
    try {
      await this.pool.query("SELECT pg_notify($1, $2)", [this.busChannel, message]);
    } catch (error) {
      this.assertOpen();
      throw this.translate(error);
    }
  }

  async subscribeMessages(pattern: string, listener: MessageListener): Promise<Unsubscribe> {
    await this.ready();
    try {
      return await this.listener.subscribeBus(pattern, listener);
    } catch (error) {
      throw this.translate(error);
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

  upsertSchedule(schedule: ScheduleRecord): Promise<ScheduleRecord> {
    return this.tx((tx) => schedules.upsertSchedule(tx, schedule));
  }

  async listSchedules(queue: string): Promise<ScheduleRecord[]> {
    return (await this.query<{ body: ScheduleRecord }>("list_schedules", [queue])).map((row) => row.body);
  }

  removeSchedule(queue: string, key: string): Promise<boolean> {
    return this.tx((tx) => schedules.removeSchedule(tx, queue, key));
  }

  setSchedulePaused(
    queue: string,
    key: string,
    paused: boolean,
    nextRunAt: number | undefined,
  ): Promise<ScheduleRecord | undefined> {
    return this.tx((tx) => schedules.setSchedulePaused(tx, queue, key, paused, nextRunAt));
  }

  fireSchedule(fire: ScheduleFire): Promise<boolean> {
    return this.tx((tx) => schedules.fireSchedule(tx, fire));
  }

  async enqueue(records: NewJobRecord[]): Promise<EnqueueResult[]> {
    try {
      return await this.tx((tx) => enqueueJobs(tx, records));
    } catch (error) {
      // Two adds of one custom id raced past the existence check: redo under the queue lock, which finds it.
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      return this.tx((tx) => enqueueJobs(tx, records, true));
    }
  }

  /** Claims over the named queues until `max` (patterns are resolved by the delivery). */
  async claimReady(request: ReadyClaimRequest): Promise<ReadyClaim> {
    const jobs: JobRecord[] = [];
    let wakeAt = Infinity;
    for (const queue of request.queues) {
      const max = request.max - jobs.length;
      if (request.limiter === undefined) {
        const fast = await this.tx((tx) => claimFast(tx, queue, request, max), { atomic: false });
        if (fast.length > 0) {
          jobs.push(...fast);
          if (jobs.length >= request.max) break;
          continue;
        }
      }
      const result = await this.tx((tx) => claimReady(tx, queue, request, max));
      jobs.push(...result.claimed);
      wakeAt = Math.min(wakeAt, result.wakeAt ?? Infinity);
      if (jobs.length >= request.max) break;
    }
    return { jobs, queues: request.queues, wakeAt: wakeAt === Infinity ? undefined : wakeAt };
  }

  async extendLocks(locks: LockRef[], lockMs: number): Promise<LockRef[]> {
    const lost: LockRef[] = [];
    const byQueue = new Map<string, LockRef[]>();
    for (const lock of locks) byQueue.set(lock.queue, [...(byQueue.get(lock.queue) ?? []), lock]);
    for (const [queue, list] of byQueue) {
      const renewed = new Set(
        (
          await this.query<{ id: string }>("extend_locks", [
            queue,
            list.map((lock) => lock.id),
            list.map((lock) => lock.token),
            this.clock.now() + lockMs,
          ])
        ).map((row) => row.id),
      );
      for (const lock of list) if (!renewed.has(lock.id)) lost.push(lock);
    }
    return lost;
  }

  async finish(outcomes: Outcome[]): Promise<FinishStatus[]> {
    const offered = this.fastFinish.candidates(outcomes);
    const recorded =
      offered.length === 0
        ? new Map<Outcome, FinishStatus>()
        : await this.tx((tx) => finishFast(tx, offered), { atomic: false });
    this.fastFinish.update(offered, recorded);
    const rest = outcomes.filter((outcome) => !recorded.has(outcome));
    const statuses = rest.length === 0 ? [] : await this.tx((tx) => finishOutcomes(tx, rest));
    rest.forEach((outcome, i) => recorded.set(outcome, statuses[i]!));
    return outcomes.map((outcome) => recorded.get(outcome)!);
  }

  maintain(queue: string, now: number): Promise<MaintenanceReport> {
    return this.tx((tx) => maintainQueue(tx, queue, now));
  }

  claimJobs(request: ClaimRequest): Promise<ClaimResult[]> {
    return this.tx((tx) => claimIds(tx, request));
  }

  takeOutbox(queue: string, now: number, limit: number, leaseMs: number): Promise<OutboxEntry[]> {
    return this.query<{ id: string; name: string; data: string; priority: number }>("take_outbox", [
      queue,
      now,
      limit,
      now + leaseMs,
    ]);
  }

  async nextDueAt(queue: string): Promise<number | undefined> {
    const [row] = await this.query<{ due: string | null }>("next_due", [queue]);
    return row?.due == null ? undefined : Number(row.due);
  }

  async ackOutbox(queue: string, ids: string[], leasedUntil: number): Promise<void> {
    if (ids.length > 0) await this.query("ack_outbox", [queue, ids, leasedUntil]);
  }

  promoteDue(queue: string, now: number): Promise<PromoteResult> {
    return this.tx((tx) => promoteDueJobs(tx, queue, now));
  }

  rearmStale(queue: string, readyBefore: number, limit: number): Promise<number> {
    return this.tx((tx) => rearmStale(tx, queue, readyBefore, limit));
  }

  watch(signals: StoreSignals): void {
    this.signals = signals;
    this.outbox = true;
  }

  async getJob(queue: string, id: string): Promise<JobRecord | undefined> {
    const [row] = await this.query<JobRow>("get_jobs", [queue, [id]]);
    return row ? decodeRow(row) : undefined;
  }

  async listJobs(queue: string, query: ListQuery): Promise<JobRecord[]> {
    const rows = await this.query<JobRow>(query.order === "desc" ? "list_jobs_desc" : "list_jobs_asc", [
      queue,
      query.states,
      query.offset,
      query.limit,
    ]);
    return rows.map(decodeRow);
  }

  async countJobs(queue: string, states: JobState[]): Promise<Record<JobState, number>> {
    const rows = await this.query<{ state: JobState; count: number }>("count_jobs", [queue]);
    const counts = {} as Record<JobState, number>;
    for (const state of states) counts[state] = rows.find((row) => row.state === state)?.count ?? 0;
    return counts;
  }

  removeJob(queue: string, id: string): Promise<boolean> {
    return this.tx((tx) => admin.removeJob(tx, queue, id));
  }

  cancelJob(queue: string, id: string, reason: string): Promise<CancelResult> {
    return this.tx((tx) => admin.cancelJob(tx, queue, id, reason));
  }

  retryJob(queue: string, id: string): Promise<JobRecord> {
    return this.tx((tx) => admin.retryJob(tx, queue, id));
  }

  promoteJob(queue: string, id: string): Promise<JobRecord> {
    return this.tx((tx) => admin.promoteJob(tx, queue, id));
  }

  updateProgress(
    queue: string,
    id: string,
    token: string | undefined,
    progress: string,
  ): Promise<FinishStatus> {
    return this.tx((tx) => admin.updateProgress(tx, queue, id, token, progress));
  }

  addLog(queue: string, id: string, line: string): Promise<number> {
    return this.tx((tx) => admin.addLog(tx, queue, id, line));
  }

  async getLogs(
    queue: string,
    id: string,
    offset: number,
    limit: number,
  ): Promise<{ logs: string[]; count: number }> {
    const rows = await this.query<{ line: string }>("get_logs", [queue, id, offset, limit]);
    const [count] = await this.query<{ count: number }>("count_logs", [queue, id]);
    return { logs: rows.map((row) => row.line), count: count?.count ?? 0 };
  }

  clean(queue: string, state: JobState, before: number, limit: number): Promise<string[]> {
    return this.tx((tx) => admin.clean(tx, queue, state, before, limit));
  }

  drain(queue: string, includeDelayed: boolean): Promise<number> {
    return this.tx((tx) => admin.drain(tx, queue, includeDelayed));
  }

  obliterate(queue: string, force: boolean): Promise<void> {
    return this.tx((tx) => admin.obliterate(tx, queue, force));
  }

  pause(queue: string): Promise<void> {
    return this.tx((tx) => admin.setPaused(tx, queue, true));
  }

  resume(queue: string): Promise<void> {
    return this.tx((tx) => admin.setPaused(tx, queue, false));
  }

  async isPaused(queue: string): Promise<boolean> {
    const [row] = await this.query<{ paused: boolean }>("is_paused", [queue]);
    return row?.paused ?? false;
  }

  async listQueues(): Promise<string[]> {
    return (await this.query<{ name: string }>("list_queues", [])).map((row) => row.name);
  }

  async subscribe(queue: string, listener: (event: QueueEventRecord) => void): Promise<Unsubscribe> {
    await this.ready();
    try {
      return await this.listener.subscribe(queue, listener);
    } catch (error) {
      throw this.translate(error);
    }
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
    await this.listener.close();
    if (this.ownsPool) await this.pool.end().catch(() => undefined);
  }
}

/** A caller's pool as a URL, only to name its host in errors (without credentials). */
function poolUrl(config: pg.PoolConfig): string {
  if (config.connectionString) return config.connectionString;
  const host = config.host ?? "127.0.0.1";
  return `postgres://${host.includes(":") ? `[${host}]` : host}:${config.port ?? 5432}/${config.database ?? ""}`;
}
