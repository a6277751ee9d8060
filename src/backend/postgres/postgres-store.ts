// The PostgreSQL job store: one jobs table, claims with FOR UPDATE SKIP LOCKED through a partial index of
// ready jobs, NOTIFYs for wake-ups and events (a few per transaction, never one per job), versioned
// migrations. Client time is authoritative: every statement takes `now` as a parameter. PostgresBackend
// composes it with the LISTEN delivery; AmqpBackend with RabbitMQ.
//
// This class only routes: each method is one call into the module of its part of the contract —
// pg-session (pool, transactions, errors), postgres-enqueue, postgres-claims, finish-fast, postgres-maintain,
// postgres-outbox, postgres-schedules, postgres-admin, postgres-reads, postgres-registry.
import { realTimeNow, type Clock } from "../../core/clock.js";
import type { Logger } from "../../logging/logger.js";
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
  StoreEnqueueOptions,
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
  SubscribeOptions,
  QueueSnapshot,
  ScheduleFire,
  ScheduleRecord,
  SearchQuery,
  SearchResult,
  Unsubscribe,
  WorkerInfo,
} from "../records.js";
import { wantsEvent } from "../records.js";
import { FastFinishGate, finish } from "./finish-fast.js";
import type { NotifyListener } from "./notify-listener.js";
import { PgSession } from "./pg-session.js";
import { PlannerStatistics } from "./planner-statistics.js";
import * as admin from "./postgres-admin.js";
import { claimJobs, claimReady, extendLocks } from "./postgres-claims.js";
import { enqueue } from "./postgres-enqueue.js";
import { maintainQueue, nextDue, promoteDueJobs } from "./postgres-maintain.js";
import { resolvePostgresStoreOptions, type PostgresStoreOptions } from "./postgres-options.js";
import { ackOutbox, rearmStale, takeOutbox } from "./postgres-outbox.js";
import { replayDeadLetter } from "./postgres-dead-letters.js";
import * as reads from "./postgres-reads.js";
import { searchJobs } from "./postgres-search.js";
import * as registry from "./postgres-registry.js";
import * as schedules from "./postgres-schedules.js";
import type { Queries } from "./query-runner.js";

/**
 * Job state in PostgreSQL, shared by every process that uses the same database and schema. Delivered by
 * PostgresBackend's LISTEN/NOTIFY fetch, or by a transport.
 * @example new AmqpBackend({ url, store: new PostgresStore({ url: "postgres://postgres@127.0.0.1/app" }) })
 */
export class PostgresStore implements JobStore {
  readonly kind = "postgres";
  readonly crossProcess = true;
  readonly messagingSystem = "postgresql";
  readonly clock: Clock;
  readonly logger: Logger;
  readonly schema: string;
  /** @internal For this folder's delivery: the LISTEN connection that hears which queues have work. */
  readonly listener: NotifyListener;
  private readonly session: PgSession;
  private readonly fastFinish = new FastFinishGate();
  private readonly statistics: PlannerStatistics;

  constructor(options: PostgresStoreOptions = {}) {
    const resolved = resolvePostgresStoreOptions(options);
    this.session = new PgSession(resolved);
    this.logger = resolved.logger;
    this.statistics = new PlannerStatistics(this.session, this.logger.child({ backend: "postgres" }));
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

  acquireLock(key: string, token: string, ttlMs: number): Promise<number | undefined> {
    return registry.acquireLock(this.session, key, token, ttlMs);
  }

  extendLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    return registry.extendLock(this.session, key, token, ttlMs);
  }

  releaseLock(key: string, token: string): Promise<boolean> {
    return registry.releaseLock(this.session, key, token);
  }

  heartbeatWorker(info: WorkerInfo, ttlMs: number): Promise<void> {
    return registry.heartbeatWorker(this.session, info, ttlMs);
  }

  deregisterWorker(id: string): Promise<void> {
    return registry.deregisterWorker(this.session, id);
  }

  listWorkers(): Promise<WorkerInfo[]> {
    return registry.listWorkers(this.session);
  }

  publishMessage(topic: string, payload: string): Promise<void> {
    return registry.publishMessage(this.session, topic, payload);
  }

  subscribeMessages(pattern: string, listener: MessageListener): Promise<Unsubscribe> {
    return registry.subscribeMessages(this.session, pattern, listener);
  }

  upsertSchedule(schedule: ScheduleRecord): Promise<ScheduleRecord> {
    return this.session.tx((tx) => schedules.upsertSchedule(tx, schedule));
  }

  listSchedules(queue: string): Promise<ScheduleRecord[]> {
    return schedules.listSchedules(this.session, queue);
  }

  removeSchedule(queue: string, key: string): Promise<boolean> {
    return this.session.tx((tx) => schedules.removeSchedule(tx, queue, key));
  }

  setSchedulePaused(
    queue: string,
    key: string,
    paused: boolean,
    nextRunAt: number | undefined,
  ): Promise<ScheduleRecord | undefined> {
    return this.session.tx((tx) => schedules.setSchedulePaused(tx, queue, key, paused, nextRunAt));
  }

  fireSchedule(fire: ScheduleFire): Promise<boolean> {
    return this.session.tx((tx) => schedules.fireSchedule(tx, fire));
  }

  enqueue(records: NewJobRecord[], options?: StoreEnqueueOptions): Promise<EnqueueResult[]> {
    return enqueue(this.session, records, options?.outboxLeasedUntil);
  }

  /** Claims over the named queues until `max` (patterns are resolved by the delivery). */
  claimReady(request: ReadyClaimRequest): Promise<ReadyClaim> {
    return claimReady(this.session, request);
  }

  extendLocks(locks: LockRef[], lockMs: number): Promise<LockRef[]> {
    return extendLocks(this.session, locks, lockMs);
  }

  finish(outcomes: Outcome[]): Promise<FinishStatus[]> {
    return finish(this.session, this.fastFinish, outcomes);
  }

  async maintain(queue: string, now: number): Promise<MaintenanceReport> {
    const report = await this.session.tx((tx) => maintainQueue(tx, queue, now));
    await this.statistics.keepCurrent(realTimeNow());
    return report;
  }

  claimJobs(request: ClaimRequest): Promise<ClaimResult[]> {
    return claimJobs(this.session, request);
  }

  takeOutbox(queue: string, now: number, limit: number, leaseMs: number): Promise<OutboxEntry[]> {
    return takeOutbox(this.session, queue, now, limit, leaseMs);
  }

  nextDueAt(queue: string): Promise<number | undefined> {
    return nextDue(this.session, queue);
  }

  ackOutbox(queue: string, ids: string[], leasedUntil: number): Promise<void> {
    return ackOutbox(this.session, queue, ids, leasedUntil);
  }

  promoteDue(queue: string, now: number): Promise<PromoteResult> {
    return this.session.tx((tx) => promoteDueJobs(tx, queue, now));
  }

  rearmStale(queue: string, readyBefore: number, limit: number): Promise<number> {
    return this.session.tx((tx) => rearmStale(tx, queue, readyBefore, limit));
  }

  watch(signals: StoreSignals): void {
    this.session.watch(signals);
  }

  getJob(queue: string, id: string): Promise<JobRecord | undefined> {
    return reads.getJob(this.session, queue, id);
  }

  listJobs(queue: string, query: ListQuery): Promise<JobRecord[]> {
    return reads.listJobs(this.session, queue, query);
  }

  searchJobs(queue: string, query: SearchQuery): Promise<SearchResult> {
    return searchJobs(this.session, queue, query);
  }

  countJobs(queue: string, states: JobState[]): Promise<Record<JobState, number>> {
    return reads.countJobs(this.session, queue, states);
  }

  snapshotQueues(queues: string[]): Promise<QueueSnapshot[]> {
    return reads.snapshotQueues(this.session, queues);
  }

  removeJob(queue: string, id: string): Promise<boolean> {
    return this.session.tx((tx) => admin.removeJob(tx, queue, id));
  }

  cancelJob(queue: string, id: string, reason: string): Promise<CancelResult> {
    return this.session.tx((tx) => admin.cancelJob(tx, queue, id, reason));
  }

  retryJob(queue: string, id: string): Promise<JobRecord> {
    return this.session.tx((tx) => admin.retryJob(tx, queue, id));
  }

  promoteJob(queue: string, id: string): Promise<JobRecord> {
    return this.session.tx((tx) => admin.promoteJob(tx, queue, id));
  }

  replayDeadLetter(queue: string, id: string): Promise<JobRecord | undefined> {
    return this.session.tx((tx) => replayDeadLetter(tx, queue, id));
  }

  updateProgress(
    queue: string,
    id: string,
    token: string | undefined,
    progress: string,
  ): Promise<FinishStatus> {
    return this.session.tx((tx) => admin.updateProgress(tx, queue, id, token, progress));
  }

  addLog(queue: string, id: string, line: string): Promise<number> {
    return this.session.tx((tx) => admin.addLog(tx, queue, id, line));
  }

  getLogs(
    queue: string,
    id: string,
    offset: number,
    limit: number,
  ): Promise<{ logs: string[]; count: number }> {
    return reads.getLogs(this.session, queue, id, offset, limit);
  }

  clean(queue: string, state: JobState, before: number, limit: number): Promise<string[]> {
    return this.session.tx((tx) => admin.clean(tx, queue, state, before, limit));
  }

  drain(queue: string, includeDelayed: boolean): Promise<number> {
    return this.session.tx((tx) => admin.drain(tx, queue, includeDelayed));
  }

  obliterate(queue: string, force: boolean): Promise<void> {
    return this.session.tx((tx) => admin.obliterate(tx, queue, force));
  }

  pause(queue: string): Promise<void> {
    return this.session.tx((tx) => admin.setPaused(tx, queue, true));
  }

  resume(queue: string): Promise<void> {
    return this.session.tx((tx) => admin.setPaused(tx, queue, false));
  }

  isPaused(queue: string): Promise<boolean> {
    return reads.isPaused(this.session, queue);
  }

  listQueues(): Promise<string[]> {
    return reads.listQueues(this.session);
  }

  subscribe(
    queue: string,
    listener: (event: QueueEventRecord) => void,
    options?: SubscribeOptions,
  ): Promise<Unsubscribe> {
    // Every event reaches the LISTEN connection anyway (one channel per schema): the filter is applied here.
    return registry.subscribe(this.session, queue, (event) => {
      if (wantsEvent(options, event.event)) listener(event);
    });
  }

  ping(): Promise<void> {
    return this.session.ping();
  }

  close(): Promise<void> {
    return this.session.close();
  }
}
