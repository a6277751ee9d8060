// The embedded in-process backend: the default for newcomers and the reference semantics for every backend.
import { systemClock, type Clock } from "../../core/clock.js";
import { matchesTopic } from "../../core/topic-pattern.js";
import { isTerminalState, stalledTooOftenReason, type JobState } from "../../job/job-state.js";
import type { BackendCapabilities } from "../capabilities.js";
import type { Backend, CancelResult, MessageListener } from "../contract.js";
import { LocalBus } from "../local-bus.js";
import type {
  EnqueueResult,
  FetchRequest,
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
import type { ClaimRequest, ClaimResult, JobStore, OutboxEntry } from "../job-store.js";
import { acquireLock, type Lock, type LockOptions } from "../../locks/lock.js";
import * as admin from "./memory-admin.js";
import { MemoryLocks } from "./memory-locks.js";
import { MemoryWorkers } from "./memory-workers.js";
import { MemorySchedules } from "./memory-schedules.js";
import { claimJobs, takeOutbox } from "./memory-outbox.js";
import { clearLock, copyRecord, MemoryCore, type Waiter } from "./memory-core.js";
import { newStoredJob, type QueueState, type StoredJob } from "./queue-state.js";
import type { FairPick } from "./group-state.js";

/** Options for {@link MemoryBackend}. */
export interface MemoryBackendOptions {
  /** The clock for delays, leases and timestamps. @defaultValue the system clock */
  clock?: Clock;
  /** Record ready jobs in an outbox for a transport to deliver (set by MemoryStore). @defaultValue false */
  outbox?: boolean;
}

const MAX_STACKTRACE_ENTRIES = 10;

/**
 * Jobs in this process's memory: no server, nothing shared between processes, nothing kept across restarts.
 * @example const backend = new MemoryBackend();
 */
export class MemoryBackend implements Backend, JobStore {
  readonly kind = "memory";
  readonly capabilities: BackendCapabilities = Object.freeze({
    crossProcess: false,
    topicWildcards: true,
    nativeDeadLetter: false,
    blockingFetch: true,
    roundRobinGroups: true,
  });
  readonly clock: Clock;
  private readonly core: MemoryCore;
  private readonly locks: MemoryLocks;
  private readonly workers: MemoryWorkers;
  private readonly bus = new LocalBus();
  private readonly schedules = new MemorySchedules();

  constructor(options: MemoryBackendOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.core = new MemoryCore(this.clock, options.outbox ?? false);
    this.locks = new MemoryLocks(this.clock);
    this.workers = new MemoryWorkers(this.clock);
  }

  heartbeatWorker(info: WorkerInfo, ttlMs: number): Promise<void> {
    this.core.assertOpen();
    this.workers.heartbeat(info, ttlMs);
    return Promise.resolve();
  }

  deregisterWorker(id: string): Promise<void> {
    this.workers.deregister(id);
    return Promise.resolve();
  }

  listWorkers(): Promise<WorkerInfo[]> {
    return Promise.resolve(this.workers.list());
  }

  publishMessage(topic: string, payload: string): Promise<void> {
    this.core.assertOpen();
    this.bus.publish(topic, payload);
    return Promise.resolve();
  }

  subscribeMessages(pattern: string, listener: MessageListener): Promise<Unsubscribe> {
    return Promise.resolve(this.bus.subscribe(pattern, listener));
  }

  lock(key: string, options: LockOptions): Promise<Lock> {
    this.core.assertOpen();
    return acquireLock(this, key, options);
  }

  acquireLock(key: string, token: string, ttlMs: number): Promise<number | undefined> {
    return this.locks.acquireLock(key, token, ttlMs);
  }

  extendLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    return this.locks.extendLock(key, token, ttlMs);
  }

  releaseLock(key: string, token: string): Promise<boolean> {
    return this.locks.releaseLock(key, token);
  }

  upsertSchedule(schedule: ScheduleRecord): Promise<ScheduleRecord> {
    this.core.assertOpen();
    return Promise.resolve(this.schedules.upsert(schedule));
  }

  listSchedules(queue: string): Promise<ScheduleRecord[]> {
    return admin.settle(() => {
      this.core.assertOpen();
      return this.schedules.list(queue);
    });
  }

  removeSchedule(queue: string, key: string): Promise<boolean> {
    return admin.settle(() => {
      this.core.assertOpen();
      return this.schedules.remove(queue, key);
    });
  }

  setSchedulePaused(
    queue: string,
    key: string,
    paused: boolean,
    nextRunAt: number | undefined,
  ): Promise<ScheduleRecord | undefined> {
    return admin.settle(() => {
      this.core.assertOpen();
      return this.schedules.setPaused(queue, key, paused, nextRunAt, this.clock.now());
    });
  }

  fireSchedule(fire: ScheduleFire): Promise<boolean> {
    return admin.settle(() => {
      this.core.assertOpen();
      return this.schedules.fire(fire, () => this.enqueueNow([fire.job]));
    });
  }

  enqueue(records: NewJobRecord[]): Promise<EnqueueResult[]> {
    return admin.settle(() => this.enqueueNow(records));
  }

  /** Stores a batch synchronously, all or none (throws before writing anything). */
  private enqueueNow(records: NewJobRecord[]): EnqueueResult[] {
    this.core.assertOpen();
    const now = this.clock.now();
    const batch = new Map<string, StoredJob>();
    const plan: Array<{ existing: StoredJob } | { created: StoredJob }> = [];
    // Decide everything first so a rejected batch leaves nothing behind.
    for (const record of records) {
      const existing = this.findDuplicate(record, batch, now);
      if (existing) {
        plan.push({ existing });
        continue;
      }
      const job = newStoredJob(record, this.core.nextSeq());
      batch.set(`${record.queue}:${record.id}`, job);
      if (job.opts.dedupe) batch.set(`dedupe\u0000${record.queue}\u0000${job.opts.dedupe.key}`, job);
      plan.push({ created: job });
    }
    for (const entry of plan) {
      if ("created" in entry) this.core.checkDependencies(entry.created, batch);
    }
    const results: EnqueueResult[] = [];
    for (const entry of plan) {
      if ("existing" in entry) {
        results.push({ record: copyRecord(entry.existing), created: false });
        continue;
      }
      const job = entry.created;
      this.insertNew(job, now);
      results.push({ record: copyRecord(job), created: true });
    }
    return results;
  }

  private findDuplicate(
    record: NewJobRecord,
    batch: Map<string, StoredJob>,
    now: number,
  ): StoredJob | undefined {
    const inBatch = batch.get(`${record.queue}:${record.id}`);
    if (inBatch) return inBatch;
    const queue = this.core.queues.get(record.queue);
    const sameId = queue?.jobs.get(record.id);
    if (sameId) return sameId;
    const dedupe = record.opts.dedupe;
    if (!dedupe) return undefined;
    const batchHolder = batch.get(`dedupe\u0000${record.queue}\u0000${dedupe.key}`);
    if (batchHolder) return batchHolder;
    const holderId = queue?.dedupe.get(dedupe.key);
    const holder = holderId === undefined ? undefined : queue?.jobs.get(holderId);
    if (!holder) return undefined;
    const withinTtl = dedupe.ttl !== undefined && now - holder.createdAt < dedupe.ttl;
    return !isTerminalState(holder.state) || withinTtl ? holder : undefined;
  }

  private insertNew(job: StoredJob, now: number): void {
    const queue = this.core.queue(job.queue);
    const unmet = job.opts.dependsOn.length > 0 && !this.core.dependenciesMet(job);
    job.state = job.runAt > now ? "delayed" : unmet ? "waiting-children" : "waiting";
    if (job.state === "waiting") job.readyAt = now;
    queue.insert(job);
    if (job.state === "waiting") this.core.recordReady(queue, job);
    for (const ref of job.opts.dependsOn) {
      let set = this.core.dependants.get(ref);
      if (!set) this.core.dependants.set(ref, (set = new Set()));
      set.add(`${job.queue}:${job.id}`);
    }
    this.core.emit(queue.name, "added", job);
    this.core.emit(queue.name, job.state, job, job.state === "delayed" ? { runAt: job.runAt } : {});
    if (job.state === "waiting") this.core.notify(queue.name);
  }

  async fetch(request: FetchRequest): Promise<JobRecord[]> {
    const deadline = Date.now() + request.blockMs;
    for (;;) {
      if (this.core.closed || request.signal.aborted) return [];
      const now = this.clock.now();
      const queues = this.matchingQueues(request.queues);
      const claimed = this.claim(queues, request, now);
      if (claimed.length > 0) return claimed;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return [];
      await this.park(request, queues, now, remaining);
    }
  }

  private matchingQueues(patterns: string[]): QueueState[] {
    const result: QueueState[] = [];
    for (const queue of this.core.queues.values()) {
      if (!queue.paused && patterns.some((pattern) => matchesTopic(pattern, queue.name))) result.push(queue);
    }
    return result;
  }

  private claim(queues: QueueState[], request: FetchRequest, now: number): JobRecord[] {
    for (const queue of queues) this.promoteDue(queue, now);
    const claimed: JobRecord[] = [];
    while (claimed.length < request.max) {
      const next = this.pickNext(queues, request, now);
      if (!next) break;
      const { queue, pick, job } = next;
      pick.index.shift(pick.priority);
      if (job.opts.ttl !== undefined && (job.readyAt ?? now) + job.opts.ttl < now) {
        this.core.expireJob(queue, job, now);
        continue;
      }
      queue.served(pick, request.groupLimits, now);
      claimed.push(this.core.activate(queue, job, request, now));
    }
    return claimed;
  }

  /**
   * The next job over `queues`: each queue offers its fair pick (round-robin over groups), and across
   * queues the most urgent by (priority, sequence) goes first. Honours each queue's limiter.
   */
  private pickNext(
    queues: QueueState[],
    request: FetchRequest,
    now: number,
  ): { queue: QueueState; pick: FairPick; job: StoredJob } | undefined {
    let best: { queue: QueueState; pick: FairPick; job: StoredJob } | undefined;
    for (const queue of queues) {
      if (request.limiter && !this.core.limiterAllows(queue, request.limiter, now)) continue;
      const pick = queue.fairPick(request.groupLimits, now);
      if (!pick) continue;
      const job = queue.jobs.get(pick.entry.id)!;
      if (
        !best ||
        pick.priority < best.pick.priority ||
        (pick.priority === best.pick.priority && job.seq < best.job.seq)
      ) {
        best = { queue, pick, job };
      }
    }
    return best;
  }

  private promoteDue(queue: QueueState, now: number): number {
    let promoted = 0;
    for (;;) {
      const head = queue.delayed.peek((entry) => queue.isLive(entry, "delayed"));
      if (!head || head.runAt > now) return promoted;
      queue.delayed.pop();
      this.core.toWaiting(queue, queue.jobs.get(head.id)!, now, "delayed");
      promoted += 1;
    }
  }

  /** Parks until woken, the next delayed job or limiter window is due, `remaining` ms pass, or abort. */
  private park(request: FetchRequest, queues: QueueState[], now: number, remaining: number): Promise<void> {
    let wakeIn = remaining;
    for (const queue of queues) {
      const head = queue.delayed.peek((entry) => queue.isLive(entry, "delayed"));
      if (head) wakeIn = Math.min(wakeIn, head.runAt - now);
      const oldest = queue.limiterStarts[0];
      if (request.limiter && oldest !== undefined && queue.limiterStarts.length >= request.limiter.max) {
        wakeIn = Math.min(wakeIn, oldest + request.limiter.duration - now);
      }
      const groupReset = queue.groupLimiterResetAt(request.groupLimits);
      if (groupReset !== undefined) wakeIn = Math.min(wakeIn, groupReset - now);
    }
    return new Promise<void>((resolve) => {
      const stop = new AbortController();
      const done = (): void => {
        this.core.waiters.delete(waiter);
        request.signal.removeEventListener("abort", done);
        stop.abort();
        resolve();
      };
      const waiter: Waiter = { patterns: request.queues, wake: done };
      this.core.waiters.add(waiter);
      request.signal.addEventListener("abort", done, { once: true });
      // The clock decides delayed/limiter wake-ups; a real-time cap bounds the wait when the clock is fake.
      this.clock.sleep(Math.max(0, wakeIn), stop.signal).then(done, () => undefined);
      const cap = setTimeout(done, remaining);
      stop.signal.addEventListener("abort", () => clearTimeout(cap), { once: true });
    });
  }

  releaseWorker(_workerId: string): Promise<void> {
    // A parked fetch of this worker was already woken by its abort signal; nothing else is held.
    return Promise.resolve();
  }

  extendLocks(locks: LockRef[], lockMs: number): Promise<LockRef[]> {
    this.core.assertOpen();
    const now = this.clock.now();
    const lost: LockRef[] = [];
    for (const lock of locks) {
      const job = this.core.queues.get(lock.queue)?.jobs.get(lock.id);
      if (job && job.state === "active" && job.lockToken === lock.token) job.lockExpiresAt = now + lockMs;
      else lost.push(lock);
    }
    return Promise.resolve(lost);
  }

  finish(outcomes: Outcome[]): Promise<FinishStatus[]> {
    this.core.assertOpen();
    const now = this.clock.now();
    const statuses = outcomes.map((outcome) => this.finishOne(outcome, now));
    // A grouped job leaving active may free its group's concurrency: parked fetches look again.
    const freed = new Set(outcomes.filter((o, i) => statuses[i] === "ok").map((o) => o.lock.queue));
    for (const queue of freed) if (this.core.queues.get(queue)?.groups.size) this.core.notify(queue);
    return Promise.resolve(statuses);
  }

  private finishOne(outcome: Outcome, now: number): FinishStatus {
    const queue = this.core.queues.get(outcome.lock.queue);
    const job = queue?.jobs.get(outcome.lock.id);
    if (!queue || !job || job.state !== "active" || job.lockToken !== outcome.lock.token) return "lock-lost";
    clearLock(job);
    switch (outcome.kind) {
      case "completed":
        job.returnValue = outcome.returnValue;
        job.finishedAt = outcome.finishedAt;
        queue.move(job, "completed");
        this.core.emit(queue.name, "completed", job, {
          prev: "active",
          attemptsMade: job.attemptsMade,
          ...(outcome.returnValue === undefined ? {} : { value: outcome.returnValue }),
        });
        this.core.settleDependants(queue, job, now);
        this.core.applyRetention(queue, "completed", job.opts.removeOnComplete, now);
        return "ok";
      case "failed":
        job.stacktrace = [...job.stacktrace, outcome.stacktrace.join("\n")].slice(-MAX_STACKTRACE_ENTRIES);
        if (outcome.retryAt === undefined) {
          job.finishedAt = outcome.finishedAt;
          this.core.failJob(queue, job, outcome.reason, now);
          return "ok";
        }
        job.failedReason = outcome.reason;
        // Stamped with the try's finish time, so runAt − timestamp is exactly the backoff the worker chose.
        this.core.emit(queue.name, "retrying", job, {
          timestamp: outcome.finishedAt,
          prev: "active",
          attemptsMade: job.attemptsMade,
          failedReason: outcome.reason,
          runAt: outcome.retryAt,
        });
        if (outcome.retryAt > now) {
          job.runAt = outcome.retryAt;
          queue.move(job, "delayed");
          this.core.emit(queue.name, "delayed", job, { prev: "active", runAt: outcome.retryAt });
          this.core.notify(queue.name);
        } else {
          this.core.toWaiting(queue, job, now, "active");
        }
        return "ok";
      case "cancelled":
        job.failedReason = outcome.reason;
        job.finishedAt = outcome.finishedAt;
        queue.move(job, "cancelled");
        this.core.emit(queue.name, "cancelled", job, { prev: "active", failedReason: outcome.reason });
        this.core.settleDependants(queue, job, now);
        return "ok";
    }
  }

  maintain(queueName: string, now: number): Promise<MaintenanceReport> {
    this.core.assertOpen();
    const report: MaintenanceReport = { promoted: 0, stalled: 0, failedStalled: 0, expired: 0, removed: 0 };
    const queue = this.core.queues.get(queueName);
    if (!queue) return Promise.resolve(report);
    report.promoted = this.promoteDue(queue, now);
    for (const id of [...queue.byState.active]) {
      const job = queue.jobs.get(id)!;
      if ((job.lockExpiresAt ?? Infinity) >= now) continue;
      job.stalledCount += 1;
      report.stalled += 1;
      this.core.emit(queue.name, "stalled", job, { attemptsMade: job.attemptsMade });
      if (job.stalledCount > job.maxStalledCount) {
        report.failedStalled += 1;
        this.core.failJob(queue, job, stalledTooOftenReason(job.maxStalledCount), now);
      } else {
        clearLock(job);
        this.core.toWaiting(queue, job, now, "active");
      }
    }
    for (const id of [...queue.byState.waiting]) {
      const job = queue.jobs.get(id)!;
      if (job.opts.ttl !== undefined && (job.readyAt ?? now) + job.opts.ttl < now) {
        this.core.expireJob(queue, job, now);
        report.expired += 1;
      }
    }
    const before = queue.jobs.size;
    const sample = (state: "completed" | "failed") => {
      const oldest = queue.byState[state].values().next().value;
      return oldest === undefined ? undefined : queue.jobs.get(oldest);
    };
    for (const state of ["completed", "failed"] as const) {
      const job = sample(state);
      const policy = state === "completed" ? job?.opts.removeOnComplete : job?.opts.removeOnFail;
      if (job && typeof policy === "object" && policy.age !== undefined) {
        this.core.applyRetention(queue, state, policy, now);
      }
    }
    report.removed = before - queue.jobs.size;
    return Promise.resolve(report);
  }

  claimJobs(request: ClaimRequest): Promise<ClaimResult[]> {
    return admin.settle(() => claimJobs(this.core, request));
  }

  takeOutbox(queue: string, now: number, limit: number, leaseMs: number): Promise<OutboxEntry[]> {
    return admin.settle(() => takeOutbox(this.core, queue, now, limit, leaseMs));
  }

  nextDueAt(queueName: string): Promise<number | undefined> {
    const queue = this.core.queues.get(queueName);
    return Promise.resolve(queue?.delayed.peek((entry) => queue.isLive(entry, "delayed"))?.runAt);
  }

  ackOutbox(queue: string, ids: string[]): Promise<void> {
    const outbox = this.core.queues.get(queue)?.outbox;
    for (const id of ids) outbox?.delete(id);
    return Promise.resolve();
  }

  getJob(queue: string, id: string): Promise<JobRecord | undefined> {
    const job = this.core.queues.get(queue)?.jobs.get(id);
    return Promise.resolve(job ? copyRecord(job) : undefined);
  }

  listJobs(queue: string, query: ListQuery): Promise<JobRecord[]> {
    return Promise.resolve(admin.listJobs(this.core, queue, query));
  }

  countJobs(queue: string, states: JobState[]): Promise<Record<JobState, number>> {
    return Promise.resolve(admin.countJobs(this.core, queue, states));
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
    const logs = this.core.queues.get(queue)?.logs.get(id) ?? [];
    return Promise.resolve({ logs: logs.slice(offset, offset + limit), count: logs.length });
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
    return Promise.resolve(this.core.queues.get(queue)?.paused ?? false);
  }

  listQueues(): Promise<string[]> {
    return Promise.resolve([...this.core.queues.keys()].sort());
  }

  subscribe(queue: string, listener: (event: QueueEventRecord) => void): Promise<Unsubscribe> {
    return admin.settle(() => this.core.hub.subscribe(queue, listener));
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
