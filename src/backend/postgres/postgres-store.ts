// The PostgreSQL job store: one jobs table, claims with FOR UPDATE SKIP LOCKED through a partial index of
// ready jobs, NOTIFYs for wake-ups and events (a few per transaction, never one per job), versioned
// migrations. Client time is authoritative: every statement takes `now` as a parameter. PostgresBackend
// composes it with the LISTEN delivery; AmqpBackend with RabbitMQ.
import type pg from "pg";
import type { Clock } from "../../core/clock.js";
import { ValidationError } from "../../errors/warren-error.js";
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
import {
  claimFast,
  claimIds,
  claimReady,
  enqueueJobs,
  maintainQueue,
  promoteDueJobs,
  rearmStale,
} from "./postgres-operations.js";
import type { NotifyListener } from "./notify-listener.js";
import { PgSession } from "./pg-session.js";
import type { PgTx } from "./pg-tx.js";
import type { Queries } from "./query-runner.js";
import { decodeRow, type JobRow } from "./record-codec.js";
import { resolvePostgresStoreOptions, type PostgresStoreOptions } from "./postgres-options.js";

/** NOTIFY payloads must stay under 8000 bytes. */
const MAX_BUS_BYTES = 7_900;
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
  private readonly session: PgSession;
  private readonly fastFinish = new FastFinishGate();

  constructor(options: PostgresStoreOptions = {}) {
    this.session = new PgSession(resolvePostgresStoreOptions(options));
    this.clock = this.session.clock;
    this.schema = this.session.schema;
    this.listener = this.session.listener;
  }

  /** Creates or upgrades the schema (also done on first use). Returns the migration versions applied. */
  migrate(): Promise<number[]> {
    return this.session.migrate();
  }

  /** @internal Throws ClosedError once close() was called: no handle may use a closed backend. */
  assertOpen(): void {
    this.session.assertOpen();
  }

  /** @internal Resolves once the schema is migrated and the queries are loaded. */
  ready(): Promise<Queries> {
    return this.session.ready();
  }

  /** See PgSession.tx. */
  tx<T>(work: (tx: PgTx) => Promise<T>, options?: { atomic?: boolean }): Promise<T> {
    return this.session.tx(work, options);
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
    await this.session.notifyBus(message);
  }

  subscribeMessages(pattern: string, listener: MessageListener): Promise<Unsubscribe> {
    return this.session.listen((notifications) => notifications.subscribeBus(pattern, listener));
  }

  /** Runs one query outside a transaction. */
  query<R extends pg.QueryResultRow>(name: string, params: unknown[]): Promise<R[]> {
    return this.session.query<R>(name, params);
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
    this.session.watch(signals);
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

  subscribe(queue: string, listener: (event: QueueEventRecord) => void): Promise<Unsubscribe> {
    return this.session.listen((notifications) => notifications.subscribe(queue, listener));
  }

  ping(): Promise<void> {
    return this.session.ping();
  }

  close(): Promise<void> {
    return this.session.close();
  }
}
