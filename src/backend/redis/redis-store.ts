// The Redis job store: every state transition is one Lua script (scripts/*.lua), events flow through one
// bounded stream per queue. RedisBackend composes it with the blocking delivery; AmqpBackend with RabbitMQ.
// The class wires the connections; its state and server access are a RedisStoreContext, and each section of
// the contract lives in its own module: redis-hot-path, redis-outbox, redis-admin, redis-schedules,
// redis-workers and redis-locks.
import { isClusterClient, type RedisClient } from "./redis-client.js";
import type { Clock } from "../../core/clock.js";
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
import type { RedisConnectionGuard } from "./connection-guard.js";
import { DueNotices } from "./due-notices.js";
import { EventReader } from "./event-reader.js";
import { redisKeys, type RedisKeys } from "./keys.js";
import { searchJobs } from "./redis-search.js";
import { openRedisConnection } from "./open-connection.js";
import * as admin from "./redis-admin.js";
import { RedisBus } from "./redis-bus.js";
import { RedisStoreContext } from "./redis-context.js";
import { replayDeadLetter } from "./redis-dead-letters.js";
import * as hotPath from "./redis-hot-path.js";
import * as locks from "./redis-locks.js";
import * as outbox from "./redis-outbox.js";
import { resolveRedisStoreOptions, type RedisStoreOptions } from "./redis-options.js";
import { RedisSchedules } from "./redis-schedules.js";
import * as workers from "./redis-workers.js";

/** Notices that a queue has work due (`<queue>\n<dueAt>`) go out on `<prefix>:due`. */
const DUE_CHANNEL_SUFFIX = ":due";

/**
 * Job state in Redis, shared by every process that uses the same server and prefix. Delivered by
 * RedisBackend's blocking fetch, or by a transport.
 * @example new AmqpBackend({ url, store: new RedisStore({ url: "redis://127.0.0.1:6379/0" }) })
 */
export class RedisStore implements JobStore {
  readonly kind = "redis";
  readonly crossProcess = true;
  readonly messagingSystem = "redis";
  readonly clock: Clock;
  readonly logger: Logger;
  /** @internal For this folder's delivery: the command connection (blocking ones are duplicated from it). */
  readonly client: RedisClient;
  /** @internal */
  readonly keys: RedisKeys;
  /** @internal Guards every call against a server that is down, and translates its errors. */
  readonly guard: RedisConnectionGuard;
  /** @internal Due notices: scripts publish them, the delivery's idle fetches listen. */
  readonly due: DueNotices;
  private readonly ownsClient: boolean;
  private readonly events: EventReader;
  private readonly bus: RedisBus;
  private readonly schedules: RedisSchedules;
  /** What the section modules use of this store: its state and server access. */
  private readonly ctx: RedisStoreContext;
  private readonly onError: (error: Error) => void;

  constructor(options: RedisStoreOptions = {}) {
    const resolved = resolveRedisStoreOptions(options);
    this.onError = resolved.onError;
    const connection = openRedisConnection(resolved, (error) => this.onError(error));
    this.client = connection.client;
    this.ownsClient = connection.ownsClient;
    this.guard = connection.guard;
    this.clock = resolved.clock;
    this.logger = resolved.logger;
    this.keys = redisKeys(resolved.prefix);
    // On a cluster the event reader opens one reader per slot itself (see event-reader.ts).
    const reader = isClusterClient(this.client) ? undefined : this.client.duplicate();
    // Its failures surface through the reader loop (reported below); the event would otherwise be unhandled.
    reader?.on("error", () => undefined);
    if (reader) this.guard.watch(reader);
    const { prefix } = resolved;
    this.due = new DueNotices(this.client, `${prefix}${DUE_CHANNEL_SUFFIX}`, (error) =>
      this.ctx.closed ? undefined : this.onError(this.guard.translate(error)),
    );
    this.events = new EventReader(
      this.client,
      reader,
      this.keys,
      (error) => (this.ctx.closed ? undefined : this.onError(this.guard.translate(error))),
      this.due,
    );
    this.bus = new RedisBus(this.client, prefix, (error) => this.onError(this.guard.translate(error)));
    this.ctx = new RedisStoreContext(this.client, this.keys, this.clock, this.guard, this.due, (error) =>
      this.onError(this.guard.translate(error)),
    );
    this.schedules = new RedisSchedules(this.ctx);
  }

  /** @internal Throws ClosedError once close() was called: no handle may use a closed store. */
  assertOpen(): void {
    this.ctx.assertOpen();
  }

  acquireLock(key: string, token: string, ttlMs: number): Promise<number | undefined> {
    return locks.acquireLock(this.ctx, key, token, ttlMs);
  }

  extendLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    return locks.extendLock(this.ctx, key, token, ttlMs);
  }

  releaseLock(key: string, token: string): Promise<boolean> {
    return locks.releaseLock(this.ctx, key, token);
  }

  heartbeatWorker(info: WorkerInfo, ttlMs: number): Promise<void> {
    return workers.heartbeatWorker(this.ctx, info, ttlMs);
  }

  deregisterWorker(id: string): Promise<void> {
    return workers.deregisterWorker(this.ctx, id);
  }

  listWorkers(): Promise<WorkerInfo[]> {
    return workers.listWorkers(this.ctx);
  }

  publishMessage(topic: string, payload: string): Promise<void> {
    return this.ctx.command(() => this.bus.publish(topic, payload));
  }

  subscribeMessages(pattern: string, listener: MessageListener): Promise<Unsubscribe> {
    return this.ctx.command(() => this.bus.subscribe(pattern, listener));
  }

  enqueue(records: NewJobRecord[], options?: StoreEnqueueOptions): Promise<EnqueueResult[]> {
    return hotPath.enqueue(this.ctx, records, options?.outboxLeasedUntil);
  }

  upsertSchedule(schedule: ScheduleRecord): Promise<ScheduleRecord> {
    return this.schedules.upsert(schedule);
  }

  listSchedules(queue: string): Promise<ScheduleRecord[]> {
    return this.schedules.list(queue);
  }

  removeSchedule(queue: string, key: string): Promise<boolean> {
    return this.schedules.remove(queue, key);
  }

  setSchedulePaused(
    queue: string,
    key: string,
    paused: boolean,
    nextRunAt: number | undefined,
  ): Promise<ScheduleRecord | undefined> {
    return this.schedules.setPaused(queue, key, paused, nextRunAt);
  }

  fireSchedule(fire: ScheduleFire): Promise<boolean> {
    return this.schedules.fire(fire);
  }

  /** One claim per named queue until `max` jobs (patterns are resolved by the delivery). */
  claimReady(request: ReadyClaimRequest): Promise<ReadyClaim> {
    return hotPath.claimReady(this.ctx, request);
  }

  extendLocks(locks: LockRef[], lockMs: number): Promise<LockRef[]> {
    return hotPath.extendLocks(this.ctx, locks, lockMs);
  }

  finish(outcomes: Outcome[]): Promise<FinishStatus[]> {
    return hotPath.finish(this.ctx, outcomes);
  }

  maintain(queue: string, now: number): Promise<MaintenanceReport> {
    return hotPath.maintain(this.ctx, queue, now);
  }

  claimJobs(request: ClaimRequest): Promise<ClaimResult[]> {
    return outbox.claimJobs(this.ctx, request);
  }

  takeOutbox(queue: string, now: number, limit: number, leaseMs: number): Promise<OutboxEntry[]> {
    return outbox.takeOutbox(this.ctx, queue, now, limit, leaseMs);
  }

  nextDueAt(queue: string): Promise<number | undefined> {
    return outbox.nextDueAt(this.ctx, queue);
  }

  ackOutbox(queue: string, ids: string[], leasedUntil: number): Promise<void> {
    return outbox.ackOutbox(this.ctx, queue, ids, leasedUntil);
  }

  promoteDue(queue: string, now: number): Promise<PromoteResult> {
    return outbox.promoteDue(this.ctx, queue, now);
  }

  rearmStale(queue: string, readyBefore: number, limit: number): Promise<number> {
    return outbox.rearmStale(this.ctx, queue, readyBefore, limit);
  }

  watch(signals: StoreSignals): void {
    this.ctx.watch(signals);
  }

  getJob(queue: string, id: string): Promise<JobRecord | undefined> {
    return admin.getJob(this.ctx, queue, id);
  }

  listJobs(queue: string, query: ListQuery): Promise<JobRecord[]> {
    return admin.listJobs(this.ctx, queue, query);
  }

  searchJobs(queue: string, query: SearchQuery): Promise<SearchResult> {
    return searchJobs(this.ctx, queue, query);
  }

  countJobs(queue: string, states: JobState[]): Promise<Record<JobState, number>> {
    return admin.countJobs(this.ctx, queue, states);
  }

  snapshotQueues(queues: string[]): Promise<QueueSnapshot[]> {
    return admin.snapshotQueues(this.ctx, queues);
  }

  removeJob(queue: string, id: string): Promise<boolean> {
    return admin.removeJob(this.ctx, queue, id);
  }

  cancelJob(queue: string, id: string, reason: string): Promise<CancelResult> {
    return admin.cancelJob(this.ctx, queue, id, reason);
  }

  retryJob(queue: string, id: string): Promise<JobRecord> {
    return admin.retryJob(this.ctx, queue, id);
  }

  promoteJob(queue: string, id: string): Promise<JobRecord> {
    return admin.promoteJob(this.ctx, queue, id);
  }

  replayDeadLetter(queue: string, id: string): Promise<JobRecord | undefined> {
    return replayDeadLetter(this.ctx, queue, id);
  }

  updateProgress(
    queue: string,
    id: string,
    token: string | undefined,
    progress: string,
  ): Promise<FinishStatus> {
    return admin.updateProgress(this.ctx, queue, id, token, progress);
  }

  addLog(queue: string, id: string, line: string): Promise<number> {
    return admin.addLog(this.ctx, queue, id, line);
  }

  getLogs(
    queue: string,
    id: string,
    offset: number,
    limit: number,
  ): Promise<{ logs: string[]; count: number }> {
    return admin.getLogs(this.ctx, queue, id, offset, limit);
  }

  clean(queue: string, state: JobState, before: number, limit: number): Promise<string[]> {
    return admin.clean(this.ctx, queue, state, before, limit);
  }

  drain(queue: string, includeDelayed: boolean): Promise<number> {
    return admin.drain(this.ctx, queue, includeDelayed);
  }

  obliterate(queue: string, force: boolean): Promise<void> {
    return admin.obliterate(this.ctx, queue, force);
  }

  pause(queue: string): Promise<void> {
    return admin.setPaused(this.ctx, queue, true);
  }

  resume(queue: string): Promise<void> {
    return admin.setPaused(this.ctx, queue, false);
  }

  isPaused(queue: string): Promise<boolean> {
    return admin.isPaused(this.ctx, queue);
  }

  listQueues(): Promise<string[]> {
    return admin.listQueues(this.ctx);
  }

  subscribe(
    queue: string,
    listener: (event: QueueEventRecord) => void,
    options?: SubscribeOptions,
  ): Promise<Unsubscribe> {
    return this.ctx.command(() => this.events.subscribe(queue, listener, options));
  }

  async ping(): Promise<void> {
    await this.ctx.command(() => this.client.ping());
  }

  async close(): Promise<void> {
    if (!this.ctx.close()) return;
    await this.events.close();
    this.bus.close();
    this.due.close();
    if (this.ownsClient) await this.client.quit().catch(() => this.client.disconnect());
  }
}
