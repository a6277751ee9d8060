// RabbitMQ as the delivery channel and wake-up signal, any JobStore as the source of truth.
// Publish: store first, then persistent messages with confirms (outbox: unconfirmed ones are republished).
// Consume: basic.consume with prefetch; each delivery is claimed in the store, then acked at once —
// the store's lease, not an open delivery, owns crash recovery.
import { acquireLock, type Lock, type LockOptions } from "../../locks/lock.js";
import type * as amqp from "amqplib";
import type { Clock } from "../../core/clock.js";
import { ValidationError } from "../../errors/warren-error.js";
import type { JobState } from "../../job/job-state.js";
import type { BackendCapabilities } from "../capabilities.js";
import type { Backend, CancelResult, MessageListener } from "../contract.js";
import type { JobStore } from "../job-store.js";
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
import { claimDeliveries } from "./claim-deliveries.js";
import { AmqpConnection } from "./connection.js";
import { ConsumerGroup } from "./consumer-group.js";
import { encodeEnvelope } from "./envelope.js";
import { Publisher } from "./publisher.js";
import { topologyNames, type AmqpQueueType, type TopologyNames } from "./topology.js";
import { TopologyDeclarer } from "./topology-declarer.js";

/** Options for {@link AmqpBackend}. */
export interface AmqpBackendOptions {
  /** `amqp://user:pass@host:5672/vhost` or `amqps://…`. */
  url: string;
  /** Where job state lives: MemoryStore, RedisStore or PostgresStore. */
  store: JobStore;
  /** Most unacked deliveries per worker. @defaultValue twice the worker's concurrency (at most 500) */
  prefetch?: number;
  /** `classic` (with priorities) or `quorum` (replicated, with a delivery limit). @defaultValue "classic" */
  queueType?: AmqpQueueType;
  /** Prefix of every exchange and queue name. @defaultValue "warren" */
  exchange?: string;
  /** TLS options passed to the client for `amqps://` (ca, cert, key, …). @defaultValue none */
  tls?: amqp.SocketOptions;
  /** How long producer calls wait for an unreachable broker before the outbox takes over. @defaultValue 5000 */
  publishTimeoutMs?: number;
  /** Reports connection trouble (already redacted). @defaultValue console.warn */
  onError?: (error: Error) => void;
  /** The connection's name in the broker's management UI. @defaultValue "warren-<pid>" */
  connectionName?: string;
}

const MAX_DERIVED_PREFETCH = 500;
const OUTBOX_BATCH = 500;
const OUTBOX_LEASE_MS = 10_000;
const QUORUM_DELIVERY_LIMIT = 20;
const GROUP_IDLE_MS = 15_000;

/**
 * Jobs delivered over RabbitMQ, state kept in a JobStore.
 * @example new AmqpBackend({ url: "amqp://guest:guest@127.0.0.1:5672", store: new MemoryStore() })
 */
export class AmqpBackend implements Backend {
  readonly kind: string;
  readonly capabilities: BackendCapabilities;
  readonly clock: Clock;
  readonly names: TopologyNames;
  private readonly store: JobStore;
  private readonly connection: AmqpConnection;
  private readonly topology: TopologyDeclarer;
  private readonly publisher: Publisher;
  private readonly groups = new Map<string, ConsumerGroup>();
  private readonly started: Promise<void>;
  private readonly prefetch: number | undefined;
  private readonly publishTimeoutMs: number;
  private readonly onError: (error: Error) => void;
  private readonly janitor: NodeJS.Timeout;
  private closed = false;

  constructor(options: AmqpBackendOptions) {
    if (!/^amqps?:\/\//i.test(options.url)) {
      throw new ValidationError("INVALID_URL", "AmqpBackend needs an amqp:// or amqps:// url");
    }
    this.store = options.store;
    this.clock = options.store.clock;
    this.kind = `amqp+${options.store.kind}`;
    this.capabilities = Object.freeze({
      crossProcess: options.store.capabilities.crossProcess,
      topicWildcards: true,
      nativeDeadLetter: true,
      blockingFetch: true,
      roundRobinGroups: false,
    });
    this.names = topologyNames(options.exchange ?? "warren");
    this.prefetch = options.prefetch;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
    this.onError = options.onError ?? ((error) => console.warn(`[warren] ${error.message}`));
    this.connection = new AmqpConnection({
      url: options.url,
      socketOptions: options.tls ?? {},
      connectionName: options.connectionName ?? `warren-${process.pid}`,
      onError: (error) => this.onError(error),
    });
    this.topology = new TopologyDeclarer(this.names, options.queueType ?? "classic", QUORUM_DELIVERY_LIMIT, {
      connection: this.connection,
      onError: (error) => this.onError(error),
    });
    this.publisher = new Publisher(this.connection, this.names, this.topology, this.publishTimeoutMs);
    this.started = this.connection.start();
    this.started.catch((error: unknown) => this.onError(error as Error));
    this.janitor = setInterval(() => void this.closeIdleGroups(), GROUP_IDLE_MS);
    this.janitor.unref();
  }

  /** The broker's version, once connected (read from the connection's server properties). */
  get serverVersion(): string | undefined {
    return this.connection.serverVersion;
  }

  async enqueue(records: NewJobRecord[]): Promise<EnqueueResult[]> {
    const results = await this.store.enqueue(records);
    await this.publishReady(new Set(records.map((record) => record.queue)));
    return results;
  }

  async fetch(request: FetchRequest): Promise<JobRecord[]> {
    await this.started;
    const group = await this.groupFor(request);
    group.inFlight += 1;
    try {
      const deadline = Date.now() + request.blockMs;
      for (;;) {
        if (this.closed || request.signal.aborted) return [];
        const deliveries = group.take(request.max, this.clock.now());
        if (deliveries.length > 0) {
          const claimed = await claimDeliveries(
            { store: this.store, publisher: this.publisher, group, onError: (e) => this.onError(e as Error) },
            deliveries,
            request,
          );
          if (claimed.length > 0) return claimed;
          continue;
        }
        const left = deadline - Date.now();
        if (left <= 0) return [];
        const wakeAt = await this.promoteDueJobs(group);
        const heldBack = group.nextHeldBack();
        const next = Math.min(heldBack ?? Infinity, wakeAt ?? Infinity);
        const wait = next === Infinity ? left : Math.min(left, Math.max(1, next - this.clock.now()));
        await group.waitForDelivery(wait, request.signal, this.clock.now());
      }
    } finally {
      group.inFlight -= 1;
      group.lastUsed = Date.now();
    }
  }

  /**
   * Delayed jobs and retries wait in the store; when one of this group's queues has a job due, promote and publish
   * it now rather than at the next maintenance pass. Returns when the next one is due.
   */
  private async promoteDueJobs(group: ConsumerGroup): Promise<number | undefined> {
    let next: number | undefined;
    for (const queue of group.queues()) {
      const due = await this.store.nextDueAt(queue);
      if (due === undefined) continue;
      if (due <= this.clock.now()) await this.maintain(queue, this.clock.now());
      else next = Math.min(next ?? Infinity, due);
    }
    return next;
  }

  private async groupFor(request: FetchRequest): Promise<ConsumerGroup> {
    const key = `${request.workerId}\u0000${request.queues.join(",")}`;
    let group = this.groups.get(key);
    if (!group) {
      group = new ConsumerGroup(
        this.connection,
        this.store,
        this.names,
        this.topology,
        request.queues,
        // A worker's first fetch asks for half its concurrency (see FetchLoop): prefetch twice the concurrency.
        this.prefetch ?? Math.min(MAX_DERIVED_PREFETCH, Math.max(2, request.max * 4)),
        (error) => this.onError(error as Error),
      );
      this.groups.set(key, group);
      await group.start();
    }
    return group;
  }

  private async closeIdleGroups(): Promise<void> {
    for (const [key, group] of this.groups) {
      if (group.inFlight === 0 && Date.now() - group.lastUsed > GROUP_IDLE_MS) {
        this.groups.delete(key);
        await group.close();
      }
    }
  }

  /** EventBus messages go through the store's bus (Redis pub/sub, PostgreSQL NOTIFY, or in-process). */
  publishMessage(topic: string, payload: string): Promise<void> {
    return this.store.publishMessage(topic, payload);
  }

  subscribeMessages(pattern: string, listener: MessageListener): Promise<Unsubscribe> {
    return this.store.subscribeMessages(pattern, listener);
  }

  /** The worker registry lives in the store. */
  heartbeatWorker(info: WorkerInfo, ttlMs: number): Promise<void> {
    return this.store.heartbeatWorker(info, ttlMs);
  }

  deregisterWorker(id: string): Promise<void> {
    return this.store.deregisterWorker(id);
  }

  listWorkers(): Promise<WorkerInfo[]> {
    return this.store.listWorkers();
  }

  upsertSchedule(schedule: ScheduleRecord): Promise<ScheduleRecord> {
    return this.store.upsertSchedule(schedule);
  }

  listSchedules(queue: string): Promise<ScheduleRecord[]> {
    return this.store.listSchedules(queue);
  }

  removeSchedule(queue: string, key: string): Promise<boolean> {
    return this.store.removeSchedule(queue, key);
  }

  setSchedulePaused(
    queue: string,
    key: string,
    paused: boolean,
    nextRunAt: number | undefined,
  ): Promise<ScheduleRecord | undefined> {
    return this.store.setSchedulePaused(queue, key, paused, nextRunAt);
  }

  /** The slot's job goes to the store's outbox with the schedule's update, then is published like any add. */
  async fireSchedule(fire: ScheduleFire): Promise<boolean> {
    const fired = await this.store.fireSchedule(fire);
    if (fired) await this.publishReady(new Set([fire.queue]));
    return fired;
  }

  /** Named locks live in the store: the broker has no place for them. */
  lock(key: string, options: LockOptions): Promise<Lock> {
    return acquireLock(this.store, key, options);
  }

  acquireLock(key: string, token: string, ttlMs: number): Promise<number | undefined> {
    return this.store.acquireLock(key, token, ttlMs);
  }

  extendLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    return this.store.extendLock(key, token, ttlMs);
  }

  releaseLock(key: string, token: string): Promise<boolean> {
    return this.store.releaseLock(key, token);
  }

  async releaseWorker(workerId: string): Promise<void> {
    for (const [key, group] of this.groups) {
      if (!key.startsWith(`${workerId}\u0000`)) continue;
      this.groups.delete(key);
      await group.close();
    }
  }

  extendLocks(locks: LockRef[], lockMs: number): Promise<LockRef[]> {
    return this.store.extendLocks(locks, lockMs);
  }

  async finish(outcomes: Outcome[]): Promise<FinishStatus[]> {
    const statuses = await this.store.finish(outcomes);
    const queues = new Set<string>();
    for (const [index, outcome] of outcomes.entries()) {
      if (statuses[index] !== "ok") continue;
      queues.add(outcome.lock.queue);
      if (outcome.kind === "failed" && outcome.retryAt === undefined) {
        await this.deadLetterJob(outcome.lock.queue, outcome.lock.id, outcome.reason);
      }
    }
    // Retries without backoff and released dependants became ready: deliver them.
    await this.publishReady(queues);
    return statuses;
  }

  private async deadLetterJob(queue: string, id: string, reason: string): Promise<void> {
    const record = await this.store.getJob(queue, id);
    const body = encodeEnvelope({ id, name: record?.name ?? "unknown", data: record?.data ?? "null" });
    await this.publisher.publishDeadLetter(queue, body, reason).catch((error: unknown) => {
      this.onError(error as Error);
    });
  }

  async maintain(queue: string, now: number): Promise<MaintenanceReport> {
    const report = await this.store.maintain(queue, now);
    await this.publishReady(new Set([queue]));
    return report;
  }

  /**
   * Publishes the store's outbox for each queue. Waits at most publishTimeoutMs for the broker; past that the
   * jobs stay stored and leased in the outbox, and a later maintenance pass publishes them.
   */
  private async publishReady(queues: Set<string>): Promise<void> {
    for (const queue of queues) {
      try {
        for (;;) {
          const entries = await this.store.takeOutbox(queue, this.clock.now(), OUTBOX_BATCH, OUTBOX_LEASE_MS);
          if (entries.length === 0) break;
          await this.publisher.publishJobs(queue, entries);
          await this.store.ackOutbox(
            queue,
            entries.map((entry) => entry.id),
          );
          if (entries.length < OUTBOX_BATCH) break;
        }
      } catch (error) {
        this.onError(error as Error);
      }
    }
  }

  getJob(queue: string, id: string): Promise<JobRecord | undefined> {
    return this.store.getJob(queue, id);
  }

  listJobs(queue: string, query: ListQuery): Promise<JobRecord[]> {
    return this.store.listJobs(queue, query);
  }

  countJobs(queue: string, states: JobState[]): Promise<Record<JobState, number>> {
    return this.store.countJobs(queue, states);
  }

  removeJob(queue: string, id: string): Promise<boolean> {
    return this.store.removeJob(queue, id);
  }

  cancelJob(queue: string, id: string, reason: string): Promise<CancelResult> {
    return this.store.cancelJob(queue, id, reason);
  }

  async retryJob(queue: string, id: string): Promise<JobRecord> {
    const record = await this.store.retryJob(queue, id);
    await this.publishReady(new Set([queue]));
    return record;
  }

  async promoteJob(queue: string, id: string): Promise<JobRecord> {
    const record = await this.store.promoteJob(queue, id);
    await this.publishReady(new Set([queue]));
    return record;
  }

  updateProgress(
    queue: string,
    id: string,
    token: string | undefined,
    progress: string,
  ): Promise<FinishStatus> {
    return this.store.updateProgress(queue, id, token, progress);
  }

  addLog(queue: string, id: string, line: string): Promise<number> {
    return this.store.addLog(queue, id, line);
  }

  getLogs(
    queue: string,
    id: string,
    offset: number,
    limit: number,
  ): Promise<{ logs: string[]; count: number }> {
    return this.store.getLogs(queue, id, offset, limit);
  }

  clean(queue: string, state: JobState, before: number, limit: number): Promise<string[]> {
    return this.store.clean(queue, state, before, limit);
  }

  drain(queue: string, includeDelayed: boolean): Promise<number> {
    return this.store.drain(queue, includeDelayed);
  }

  async obliterate(queue: string, force: boolean): Promise<void> {
    await this.store.obliterate(queue, force);
    for (const group of this.groups.values()) if (group.serves(queue)) await group.pauseQueue(queue);
    await this.publisher
      .withChannel((channel) => this.topology.deleteQueue(channel, queue))
      .catch((error: unknown) => this.onError(error as Error));
  }

  async pause(queue: string): Promise<void> {
    await this.store.pause(queue);
    for (const group of this.groups.values()) if (group.serves(queue)) await group.pauseQueue(queue);
  }

  async resume(queue: string): Promise<void> {
    await this.store.resume(queue);
    for (const group of this.groups.values()) if (group.serves(queue)) await group.resumeQueue(queue);
  }

  isPaused(queue: string): Promise<boolean> {
    return this.store.isPaused(queue);
  }

  listQueues(): Promise<string[]> {
    return this.store.listQueues();
  }

  async subscribe(queue: string, listener: (event: QueueEventRecord) => void): Promise<Unsubscribe> {
    // Pause and resume from other processes reach this process's consumers through the store's events.
    return this.store.subscribe(queue, (event) => {
      if (event.event === "paused" || event.event === "resumed") {
        for (const group of this.groups.values()) {
          if (!group.serves(event.queue)) continue;
          const change =
            event.event === "paused" ? group.pauseQueue(event.queue) : group.resumeQueue(event.queue);
          change.catch((error: unknown) => this.onError(error as Error));
        }
      }
      listener(event);
    });
  }

  async ping(): Promise<void> {
    await this.store.ping();
    await this.connection.whenConnected(this.publishTimeoutMs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.janitor);
    for (const group of this.groups.values()) await group.close();
    this.groups.clear();
    await this.started.catch(() => undefined);
    await this.topology.close();
    await this.connection.close();
    await this.store.close();
  }
}
