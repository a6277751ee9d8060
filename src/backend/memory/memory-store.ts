// The memory job store: every job, schedule, lock and event of this process in plain maps. The reference
// semantics for every store; MemoryBackend composes it with an in-process delivery, AmqpBackend with RabbitMQ.
import type { Clock } from "../../core/clock.js";
import type { Logger } from "../../logging/logger.js";
import type { JobState } from "../../model/job-state.js";
import type { CancelResult, MessageListener } from "../contract.js";
import { LocalBus } from "../local-bus.js";
import { searchJobs } from "./memory-search.js";
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
import * as admin from "./memory-admin.js";
import { MemoryLocks } from "./memory-locks.js";
import { MemoryWorkers } from "./memory-workers.js";
import { MemorySchedules } from "./memory-schedules.js";
import {
  ackOutbox,
  claimJobs,
  promoteDue as promoteDueInQueue,
  rearmStale,
  takeOutbox,
} from "./memory-outbox.js";
import { copyRecord, MemoryCore } from "./memory-core.js";
import { enqueueRecords } from "./memory-enqueue.js";
import { replayDeadLetter } from "./memory-dead-letters.js";
import { finishOutcome } from "./memory-finish.js";
import { claimReady } from "./memory-fetch.js";
import { maintainQueue } from "./memory-maintain.js";
import { resolveMemoryStoreOptions, type MemoryStoreOptions } from "./memory-options.js";

/**
 * Job state in this process's memory: no server, nothing shared between processes, nothing kept across
 * restarts. Delivered in-process by MemoryBackend, or by a transport.
 * @example new AmqpBackend({ url, store: new MemoryStore() })
 */
export class MemoryStore implements JobStore {
  readonly kind = "memory";
  readonly crossProcess = false;
  /** In-process: no messaging system but Warren itself. */
  readonly messagingSystem = "warren";
  readonly clock: Clock;
  readonly logger: Logger;
  /** @internal The state, for this folder's delivery (it parks fetches on the core's waiters). */
  readonly core: MemoryCore;
  private readonly locks: MemoryLocks;
  private readonly workers: MemoryWorkers;
  private readonly bus: LocalBus;
  private readonly schedules: MemorySchedules;

  constructor(options: MemoryStoreOptions = {}) {
    const resolved = resolveMemoryStoreOptions(options);
    this.clock = resolved.clock;
    this.logger = resolved.logger;
    const log = this.logger.child({ backend: "memory" });
    this.core = new MemoryCore(this.clock, log);
    this.bus = new LocalBus((error, topic) =>
      log.error({ err: error, topic }, "an EventBus subscriber threw"),
    );
    this.locks = new MemoryLocks(this.clock);
    this.workers = new MemoryWorkers(this.clock);
    this.schedules = new MemorySchedules({
      add: (record) => void enqueueRecords(this.core, [record]),
      dropIfDelayed: (queue, id) => {
        if (this.core.queues.get(queue)?.jobs.get(id)?.state === "delayed")
          admin.removeJob(this.core, queue, id);
      },
      now: () => this.clock.now(),
    });
  }

  /** Runs a synchronous operation on the open backend as a promise: ClosedError once closed, throws as rejections. */
  private op<T>(operation: () => T): Promise<T> {
    return admin.settle(() => {
      this.core.assertOpen();
      return operation();
    });
  }

  heartbeatWorker(info: WorkerInfo, ttlMs: number): Promise<void> {
    this.core.assertOpen();
    this.workers.heartbeat(info, ttlMs);
    return Promise.resolve();
  }

  deregisterWorker(id: string): Promise<void> {
    return this.op(() => {
      this.workers.deregister(id);
    });
  }

  listWorkers(): Promise<WorkerInfo[]> {
    return this.op(() => this.workers.list());
  }

  publishMessage(topic: string, payload: string): Promise<void> {
    return this.op(() => {
      this.bus.publish(topic, payload);
    });
  }

  subscribeMessages(pattern: string, listener: MessageListener): Promise<Unsubscribe> {
    return this.op(() => this.bus.subscribe(pattern, listener));
  }

  async acquireLock(key: string, token: string, ttlMs: number): Promise<number | undefined> {
    this.core.assertOpen();
    return this.locks.acquireLock(key, token, ttlMs);
  }

  async extendLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    this.core.assertOpen();
    return this.locks.extendLock(key, token, ttlMs);
  }

  async releaseLock(key: string, token: string): Promise<boolean> {
    this.core.assertOpen();
    return this.locks.releaseLock(key, token);
  }

  upsertSchedule(schedule: ScheduleRecord): Promise<ScheduleRecord> {
    return this.op(() => this.schedules.upsert(schedule));
  }

  listSchedules(queue: string): Promise<ScheduleRecord[]> {
    return this.op(() => this.schedules.list(queue));
  }

  removeSchedule(queue: string, key: string): Promise<boolean> {
    return this.op(() => this.schedules.remove(queue, key));
  }

  setSchedulePaused(
    queue: string,
    key: string,
    paused: boolean,
    nextRunAt: number | undefined,
  ): Promise<ScheduleRecord | undefined> {
    return this.op(() => this.schedules.setPaused(queue, key, paused, nextRunAt, this.clock.now()));
  }

  fireSchedule(fire: ScheduleFire): Promise<boolean> {
    return this.op(() => this.schedules.fire(fire));
  }

  enqueue(records: NewJobRecord[], options?: StoreEnqueueOptions): Promise<EnqueueResult[]> {
    return admin.settle(() => enqueueRecords(this.core, records, options?.outboxLeasedUntil));
  }

  claimReady(request: ReadyClaimRequest): Promise<ReadyClaim> {
    return admin.settle(() => claimReady(this.core, request));
  }

  extendLocks(locks: LockRef[], lockMs: number): Promise<LockRef[]> {
    return admin.settle(() => this.extendLocksNow(locks, lockMs));
  }

  private extendLocksNow(locks: LockRef[], lockMs: number): LockRef[] {
    this.core.assertOpen();
    const now = this.clock.now();
    const lost: LockRef[] = [];
    for (const lock of locks) {
      const job = this.core.queues.get(lock.queue)?.jobs.get(lock.id);
      if (job && job.state === "active" && job.lockToken === lock.token) job.lockExpiresAt = now + lockMs;
      else lost.push(lock);
    }
    return lost;
  }

  finish(outcomes: Outcome[]): Promise<FinishStatus[]> {
    return admin.settle(() => this.finishNow(outcomes));
  }

  private finishNow(outcomes: Outcome[]): FinishStatus[] {
    this.core.assertOpen();
    const now = this.clock.now();
    const statuses = outcomes.map((outcome) => finishOutcome(this.core, outcome, now));
    // A grouped job leaving active may free its group's concurrency: parked fetches look again.
    const freed = new Set(outcomes.filter((o, i) => statuses[i] === "ok").map((o) => o.lock.queue));
    for (const queue of freed) if (this.core.queues.get(queue)?.groups.size) this.core.notify(queue);
    return statuses;
  }

  maintain(queueName: string, now: number): Promise<MaintenanceReport> {
    return admin.settle(() => {
      this.core.assertOpen();
      return maintainQueue(this.core, queueName, now);
    });
  }

  claimJobs(request: ClaimRequest): Promise<ClaimResult[]> {
    return admin.settle(() => claimJobs(this.core, request));
  }

  takeOutbox(queue: string, now: number, limit: number, leaseMs: number): Promise<OutboxEntry[]> {
    return admin.settle(() => takeOutbox(this.core, queue, now, limit, leaseMs));
  }

  nextDueAt(queueName: string): Promise<number | undefined> {
    return admin.settle(() => {
      this.core.assertOpen();
      const queue = this.core.queues.get(queueName);
      return queue?.delayed.peek((entry) => queue.isLive(entry, "delayed"))?.runAt;
    });
  }

  ackOutbox(queue: string, ids: string[], leasedUntil: number): Promise<void> {
    return admin.settle(() => ackOutbox(this.core, queue, ids, leasedUntil));
  }

  promoteDue(queue: string, now: number): Promise<PromoteResult> {
    return admin.settle(() => promoteDueInQueue(this.core, queue, now));
  }

  rearmStale(queue: string, readyBefore: number, limit: number): Promise<number> {
    return admin.settle(() => rearmStale(this.core, queue, readyBefore, limit));
  }

  watch(signals: StoreSignals): void {
    this.core.signals = signals;
  }

  getJob(queue: string, id: string): Promise<JobRecord | undefined> {
    return admin.settle(() => {
      this.core.assertOpen();
      const job = this.core.queues.get(queue)?.jobs.get(id);
      return job ? copyRecord(job) : undefined;
    });
  }

  listJobs(queue: string, query: ListQuery): Promise<JobRecord[]> {
    return this.op(() => admin.listJobs(this.core, queue, query));
  }

  searchJobs(queue: string, query: SearchQuery): Promise<SearchResult> {
    return this.op(() => searchJobs(this.core, queue, query));
  }

  countJobs(queue: string, states: JobState[]): Promise<Record<JobState, number>> {
    return this.op(() => admin.countJobs(this.core, queue, states));
  }

  snapshotQueues(queues: string[]): Promise<QueueSnapshot[]> {
    return this.op(() => admin.snapshotQueues(this.core, queues));
  }

  removeJob(queue: string, id: string): Promise<boolean> {
    return admin.settle(() => admin.removeJob(this.core, queue, id));
  }

  cancelJob(queue: string, id: string, reason: string): Promise<CancelResult> {
    return admin.settle(() => admin.cancelJob(this.core, queue, id, reason));
  }

  retryJob(queue: string, id: string): Promise<JobRecord> {
    return admin.settle(() => admin.retryJob(this.core, queue, id));
  }

  promoteJob(queue: string, id: string): Promise<JobRecord> {
    return admin.settle(() => admin.promoteJob(this.core, queue, id));
  }

  replayDeadLetter(queue: string, id: string): Promise<JobRecord | undefined> {
    return admin.settle(() => replayDeadLetter(this.core, queue, id));
  }

  updateProgress(
    queue: string,
    id: string,
    token: string | undefined,
    progress: string,
  ): Promise<FinishStatus> {
    return admin.settle(() => admin.updateProgress(this.core, queue, id, token, progress));
  }

  addLog(queue: string, id: string, line: string): Promise<number> {
    return admin.settle(() => admin.addLog(this.core, queue, id, line));
  }

  getLogs(
    queue: string,
    id: string,
    offset: number,
    limit: number,
  ): Promise<{ logs: string[]; count: number }> {
    return admin.settle(() => {
      this.core.assertOpen();
      const logs = this.core.queues.get(queue)?.logs.get(id) ?? [];
      return { logs: logs.slice(offset, offset + limit), count: logs.length };
    });
  }

  clean(queue: string, state: JobState, before: number, limit: number): Promise<string[]> {
    return admin.settle(() => admin.clean(this.core, queue, state, before, limit));
  }

  drain(queue: string, includeDelayed: boolean): Promise<number> {
    return admin.settle(() => admin.drain(this.core, queue, includeDelayed));
  }

  obliterate(queue: string, force: boolean): Promise<void> {
    return admin.settle(() => {
      admin.obliterate(this.core, queue, force);
      this.schedules.dropQueue(queue);
    });
  }

  pause(queue: string): Promise<void> {
    return admin.settle(() => admin.setPaused(this.core, queue, true));
  }

  resume(queue: string): Promise<void> {
    return admin.settle(() => admin.setPaused(this.core, queue, false));
  }

  isPaused(queue: string): Promise<boolean> {
    return this.op(() => this.core.queues.get(queue)?.paused ?? false);
  }

  listQueues(): Promise<string[]> {
    return this.op(() => [...this.core.queues.keys()].sort());
  }

  subscribe(
    queue: string,
    listener: (event: QueueEventRecord) => void,
    options?: SubscribeOptions,
  ): Promise<Unsubscribe> {
    return this.op(() => this.core.hub.subscribe(queue, listener, options));
  }

  ping(): Promise<void> {
    return admin.settle(() => this.core.assertOpen());
  }

  close(): Promise<void> {
    if (this.core.closed) return Promise.resolve();
    this.core.closed = true;
    for (const waiter of [...this.core.waiters]) waiter.wake();
    this.core.hub.clear();
    return Promise.resolve();
  }
}
