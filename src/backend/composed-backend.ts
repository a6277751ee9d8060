// A backend is one JobStore and one Delivery, composed here once: every state operation goes to the store,
// then the delivery hears what changed. No backend forwards by hand; a new store or transport is one folder.
import type { Clock } from "../core/clock.js";
import type { Logger } from "../logging/logger.js";
import { ClosedError } from "../errors/warren-error.js";
import type { JobState } from "../model/job-state.js";
import { acquireLock, type Lock, type LockOptions } from "../locks/lock.js";
import type { BackendCapabilities } from "./capabilities.js";
import type { Backend, CancelResult, MessageListener } from "./contract.js";
import type { DeadLetterPage, DeadLetterRecord, ReplayProgress } from "./dead-letter-records.js";
import type { Delivery, StoreChange } from "./delivery.js";
import type { JobStore } from "./job-store.js";
import * as deadLetters from "./store-dead-letters.js";
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
  QueueSnapshot,
  ScheduleFire,
  ScheduleRecord,
  SearchQuery,
  SearchResult,
  SubscribeOptions,
  Unsubscribe,
  WorkerInfo,
} from "./records.js";
import { wantsEvent } from "./records.js";

/** Events a transport acts on (Delivery.observe), heard through every subscription whatever its filter. */
const TRANSPORT_EVENTS = ["paused", "resumed"] as const;

/**
 * A {@link Backend} made of a store (the truth) and a delivery (how work reaches workers).
 * @example new ComposedBackend(store, new MyTransport(store))
 */
export class ComposedBackend implements Backend {
  readonly kind: string;
  readonly capabilities: BackendCapabilities;
  readonly messagingSystem: string;
  readonly clock: Clock;
  readonly logger: Logger;
  private closed = false;

  constructor(
    private readonly store: JobStore,
    private readonly delivery: Delivery,
  ) {
    this.kind = delivery.transport === undefined ? store.kind : `${delivery.transport}+${store.kind}`;
    this.capabilities = Object.freeze({ crossProcess: store.crossProcess, ...delivery.capabilities });
    this.messagingSystem = delivery.messagingSystem ?? store.messagingSystem;
    this.clock = store.clock;
    this.logger = delivery.logger ?? store.logger;
  }

  /** The store, while this backend is open: every call on a closed backend fails with ClosedError. */
  private get live(): JobStore {
    if (this.closed) throw new ClosedError(`the ${this.kind} backend is closed; create a new one`);
    return this.store;
  }

  private async tell(change: StoreChange): Promise<void> {
    if (!this.closed) await this.delivery.changed(change);
  }

  // ---- delivery ----
  async fetch(request: FetchRequest): Promise<JobRecord[]> {
    void this.live;
    return this.delivery.fetch(request);
  }

  async releaseWorker(workerId: string): Promise<void> {
    return this.delivery.releaseWorker(workerId);
  }

  async enqueue(records: NewJobRecord[]): Promise<EnqueueResult[]> {
    void this.live;
    await this.delivery.beforeEnqueue();
    const lease = this.delivery.outboxLeaseMs;
    const outboxLeasedUntil = lease === undefined ? undefined : this.store.clock.now() + lease;
    const results = await this.live.enqueue(
      records,
      outboxLeasedUntil === undefined ? undefined : { outboxLeasedUntil },
    );
    await this.tell({ kind: "enqueued", results, outboxLeasedUntil });
    return results;
  }

  async finish(outcomes: Outcome[]): Promise<FinishStatus[]> {
    const statuses = await this.live.finish(outcomes);
    await this.tell({ kind: "finished", outcomes, statuses });
    return statuses;
  }

  async maintain(queue: string, now: number): Promise<MaintenanceReport> {
    const report = await this.live.maintain(queue, now);
    if (!this.closed) await this.delivery.maintain(queue, now);
    return report;
  }

  async extendLocks(locks: LockRef[], lockMs: number): Promise<LockRef[]> {
    return this.live.extendLocks(locks, lockMs);
  }

  // ---- schedules: a slot is a delayed job, so the delivery hears when each is due ----
  async upsertSchedule(schedule: ScheduleRecord): Promise<ScheduleRecord> {
    const stored = await this.live.upsertSchedule(schedule);
    await this.tell({
      kind: "slot",
      queue: stored.queue,
      dueAt: stored.paused ? undefined : stored.nextRunAt,
    });
    return stored;
  }

  async listSchedules(queue: string): Promise<ScheduleRecord[]> {
    return this.live.listSchedules(queue);
  }

  async removeSchedule(queue: string, key: string): Promise<boolean> {
    return this.live.removeSchedule(queue, key);
  }

  async setSchedulePaused(
    queue: string,
    key: string,
    paused: boolean,
    nextRunAt: number | undefined,
  ): Promise<ScheduleRecord | undefined> {
    const stored = await this.live.setSchedulePaused(queue, key, paused, nextRunAt);
    if (stored && !paused) await this.tell({ kind: "slot", queue, dueAt: stored.nextRunAt });
    return stored;
  }

  async fireSchedule(fire: ScheduleFire): Promise<boolean> {
    const fired = await this.live.fireSchedule(fire);
    if (fired) await this.tell({ kind: "slot", queue: fire.queue, dueAt: fire.nextRunAt });
    return fired;
  }

  // ---- admin and read ----
  async getJob(queue: string, id: string): Promise<JobRecord | undefined> {
    return this.live.getJob(queue, id);
  }

  async listJobs(queue: string, query: ListQuery): Promise<JobRecord[]> {
    return this.live.listJobs(queue, query);
  }

  async searchJobs(queue: string, query: SearchQuery): Promise<SearchResult> {
    return this.live.searchJobs(queue, query);
  }

  async countJobs(queue: string, states: JobState[]): Promise<Record<JobState, number>> {
    return this.live.countJobs(queue, states);
  }

  async snapshotQueues(queues: string[]): Promise<QueueSnapshot[]> {
    return this.live.snapshotQueues(queues);
  }

  async removeJob(queue: string, id: string): Promise<boolean> {
    return this.live.removeJob(queue, id);
  }

  async cancelJob(queue: string, id: string, reason: string): Promise<CancelResult> {
    return this.live.cancelJob(queue, id, reason);
  }

  async retryJob(queue: string, id: string): Promise<JobRecord> {
    const record = await this.live.retryJob(queue, id);
    await this.tell({ kind: "readied", queue });
    // A retried job is no longer dead: the transport's dead-letter copy of it goes too.
    if (!this.closed) await this.delivery.deadLetters?.forget(queue, [id]);
    return record;
  }

  async promoteJob(queue: string, id: string): Promise<JobRecord> {
    const record = await this.live.promoteJob(queue, id);
    await this.tell({ kind: "readied", queue });
    return record;
  }

  async updateProgress(
    queue: string,
    id: string,
    token: string | undefined,
    progress: string,
  ): Promise<FinishStatus> {
    return this.live.updateProgress(queue, id, token, progress);
  }

  async addLog(queue: string, id: string, line: string): Promise<number> {
    return this.live.addLog(queue, id, line);
  }

  async getLogs(
    queue: string,
    id: string,
    offset: number,
    limit: number,
  ): Promise<{ logs: string[]; count: number }> {
    return this.live.getLogs(queue, id, offset, limit);
  }

  async clean(queue: string, state: JobState, before: number, limit: number): Promise<string[]> {
    return this.live.clean(queue, state, before, limit);
  }

  async drain(queue: string, includeDelayed: boolean): Promise<number> {
    return this.live.drain(queue, includeDelayed);
  }

  async obliterate(queue: string, force: boolean): Promise<void> {
    await this.live.obliterate(queue, force);
    await this.tell({ kind: "obliterated", queue });
  }

  async pause(queue: string): Promise<void> {
    await this.live.pause(queue);
    await this.tell({ kind: "paused", queue });
  }

  async resume(queue: string): Promise<void> {
    await this.live.resume(queue);
    await this.tell({ kind: "resumed", queue });
  }

  async isPaused(queue: string): Promise<boolean> {
    return this.live.isPaused(queue);
  }

  async listQueues(): Promise<string[]> {
    return this.live.listQueues();
  }

  // ---- dead letters: the store's failed and expired jobs, and the transport's own (store-dead-letters.ts) ----
  private get deadLetterParts(): deadLetters.DeadLetterParts {
    return {
      store: this.live,
      transport: this.delivery.deadLetters,
      readied: (queue) => this.tell({ kind: "readied", queue }),
    };
  }

  async listDeadLetters(queue: string, page: DeadLetterPage): Promise<DeadLetterRecord[]> {
    return deadLetters.listDeadLetters(this.deadLetterParts, queue, page);
  }

  async listDeadLetterIds(queue: string): Promise<string[]> {
    return deadLetters.listDeadLetterIds(this.deadLetterParts, queue);
  }

  async replayDeadLetters(queue: string, ids: string[], progress?: ReplayProgress): Promise<number> {
    return deadLetters.replayDeadLetters(this.deadLetterParts, queue, ids, progress);
  }

  async purgeDeadLetters(queue: string): Promise<number> {
    return deadLetters.purgeDeadLetters(this.deadLetterParts, queue);
  }

  // ---- events, registry, bus, locks: the store's ----
  async subscribe(
    queue: string,
    listener: (event: QueueEventRecord) => void,
    options?: SubscribeOptions,
  ): Promise<Unsubscribe> {
    // The transport watches pause and resume through its workers' subscriptions: a filter keeps them.
    const events = options?.events && [...new Set([...options.events, ...TRANSPORT_EVENTS])];
    return this.live.subscribe(
      queue,
      (event) => {
        this.delivery.observe(event);
        if (wantsEvent(options, event.event)) listener(event);
      },
      events && { events },
    );
  }

  async heartbeatWorker(info: WorkerInfo, ttlMs: number): Promise<void> {
    return this.live.heartbeatWorker(info, ttlMs);
  }

  async deregisterWorker(id: string): Promise<void> {
    return this.live.deregisterWorker(id);
  }

  async listWorkers(): Promise<WorkerInfo[]> {
    return this.live.listWorkers();
  }

  async publishMessage(topic: string, payload: string): Promise<void> {
    return this.live.publishMessage(topic, payload);
  }

  async subscribeMessages(pattern: string, listener: MessageListener): Promise<Unsubscribe> {
    return this.live.subscribeMessages(pattern, listener);
  }

  async lock(key: string, options: LockOptions): Promise<Lock> {
    void this.live;
    return acquireLock(this, key, options, this.clock);
  }

  async acquireLock(key: string, token: string, ttlMs: number): Promise<number | undefined> {
    return this.live.acquireLock(key, token, ttlMs);
  }

  async extendLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    return this.live.extendLock(key, token, ttlMs);
  }

  async releaseLock(key: string, token: string): Promise<boolean> {
    return this.live.releaseLock(key, token);
  }

  async ping(): Promise<void> {
    await this.live.ping();
    await this.delivery.ping();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.delivery.close();
    await this.store.close();
  }
}
