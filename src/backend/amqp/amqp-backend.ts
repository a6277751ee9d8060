// RabbitMQ as the delivery channel and wake-up signal, any JobStore as the source of truth.
// Publish: store first, then persistent messages with confirms (outbox: unconfirmed ones are republished; the
// store signals every outbox entry it makes, whichever operation made it). Consume: basic.consume with prefetch;
// each delivery is claimed in the store, then acked at once — the store's lease, not an open delivery, owns
// crash recovery. Time: due jobs are promoted and published by per-queue timers (see due-watch.ts).
import { acquireLock, type Lock, type LockOptions } from "../../locks/lock.js";
import type * as amqp from "amqplib";
import { realTimeNow, type Clock } from "../../core/clock.js";
import { ClosedError, ValidationError } from "../../errors/warren-error.js";
import type { JobState } from "../../model/job-state.js";
import type { BackendCapabilities } from "../capabilities.js";
import type { Backend, CancelResult, MessageListener } from "../contract.js";
import type { JobStore } from "../job-store.js";
import { assertDriverUrl } from "../url-options.js";
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
import { DueWatch } from "./due-watch.js";
import { OUTBOX_BATCH, OutboxRelay } from "./outbox-relay.js";
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
  /**
   * Once the broker was reached, how long producer calls wait for it during an outage before the outbox takes
   * over. @defaultValue 5000
   */
  publishTimeoutMs?: number;
  /**
   * Reconciliation: a job the store holds as waiting for this long, while its broker queue has no ready
   * message, is published again (its delivery was lost; a duplicate is harmless). @defaultValue 30000
   */
  redeliverAfterMs?: number;
  /**
   * Bound of each connection attempt and of the first connection: until the broker was reached once, `add` and
   * worker fetches wait at most this long, then fail (nothing stored). @defaultValue 10000
   */
  connectTimeoutMs?: number;
  /** Reports connection trouble (already redacted). @defaultValue console.warn */
  onError?: (error: Error) => void;
  /** The connection's name in the broker's management UI. @defaultValue "warren-<pid>" */
  connectionName?: string;
}

const MAX_DERIVED_PREFETCH = 500;
const QUORUM_DELIVERY_LIMIT = 20;
const DEFAULT_REDELIVER_AFTER_MS = 30_000;
const GROUP_IDLE_MS = 15_000;
/** See {@link AmqpBackendOptions.connectTimeoutMs}. */
export const DEFAULT_AMQP_CONNECT_TIMEOUT_MS = 10_000;

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
  private readonly relay: OutboxRelay;
  private readonly dueWatch: DueWatch;
  private readonly redeliverAfterMs: number;
  /** When each queue was last reconciled, so a lost delivery is made again at most once per bound. */
  private readonly reconciledAt = new Map<string, number>();
  private closed = false;

  constructor(options: AmqpBackendOptions) {
    if (!/^amqps?:\/\//i.test(options.url)) {
      throw new ValidationError("INVALID_URL", "AmqpBackend needs an amqp:// or amqps:// url");
    }
    assertDriverUrl(options.url, "amqp", "AmqpBackend");
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
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_AMQP_CONNECT_TIMEOUT_MS,
      onError: (error) => this.onError(error),
    });
    this.topology = new TopologyDeclarer(this.names, options.queueType ?? "classic", QUORUM_DELIVERY_LIMIT, {
      connection: this.connection,
      onError: (error) => this.onError(error),
    });
    this.publisher = new Publisher(this.connection, this.names, this.topology, this.publishTimeoutMs);
    this.redeliverAfterMs = options.redeliverAfterMs ?? DEFAULT_REDELIVER_AFTER_MS;
    const report = (error: unknown): void => this.onError(error as Error);
    this.relay = new OutboxRelay(this.store, this.publisher, this.clock, report);
    this.dueWatch = new DueWatch({
      store: this.store,
      relay: this.relay,
      publisher: this.publisher,
      connection: this.connection,
      names: this.names,
      topology: this.topology,
      clock: this.clock,
      consumedQueues: () => [...new Set([...this.groups.values()].flatMap((group) => group.queues()))],
      onError: report,
    });
    // Whatever store operation made jobs ready (an add, a retry, a released dependant in any queue, a
    // promotion, a stall recovery), they are published at once; final failures get a dead-letter copy.
    this.store.watch({
      outboxFilled: (queue) => void this.relay.flush(queue),
      deadLettered: (queue, id, reason) => void this.deadLetterJob(queue, id, reason),
    });
    this.started = this.connection.start();
    this.started.catch((error: unknown) => this.onError(error as Error));
    this.janitor = setInterval(() => void this.closeIdleGroups(), GROUP_IDLE_MS);
    this.janitor.unref();
  }

  /** The store, while this backend is open: every call on a closed backend fails with ClosedError. */
  private get live(): JobStore {
    if (this.closed) throw new ClosedError("the RabbitMQ backend is closed; create a new one");
    return this.store;
  }

  /** The broker's version, once connected (read from the connection's server properties). */
  get serverVersion(): string | undefined {
    return this.connection.serverVersion;
  }

  async enqueue(records: NewJobRecord[]): Promise<EnqueueResult[]> {
    void this.live;
    // Store-first covers an outage of a broker this backend has reached; before that, a wrong URL or refused
    // credentials would leave jobs stored that no worker can ever be sent: refuse them instead.
    await this.connection.whenFirstConnected();
    const results = await this.live.enqueue(records);
    const ready = new Set<string>();
    for (const { record, created } of results) {
      if (!created) continue;
      if (record.state === "waiting") ready.add(record.queue);
      else if (record.state === "delayed") this.dueWatch.due(record.queue, record.runAt);
    }
    // An add resolves once its job is published (or the outbox has taken over, when the broker is away).
    await Promise.all([...ready].map((queue) => this.relay.flush(queue)));
    return results;
  }

  async fetch(request: FetchRequest): Promise<JobRecord[]> {
    void this.live;
    await this.started;
    await this.connection.whenFirstConnected();
    const group = await this.groupFor(request);
    group.inFlight += 1;
    try {
      const deadline = realTimeNow() + request.blockMs;
      for (;;) {
        // A closed backend refuses, rather than answering "no work" at once: a caller looping would spin.
        void this.live;
        if (request.signal.aborted) return [];
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
        const left = deadline - realTimeNow();
        if (left <= 0) return [];
        // Due jobs reach the broker by the due timers; the fetch waits for deliveries, or a held-back one.
        const heldBack = group.nextHeldBack();
        const wait = heldBack === undefined ? left : Math.min(left, Math.max(1, heldBack - this.clock.now()));
        await group.waitForDelivery(wait, request.signal, this.clock.now());
      }
    } finally {
      group.inFlight -= 1;
      group.lastUsed = realTimeNow();
    }
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
        (queue) => void this.dueWatch.consumed(queue).catch((error: unknown) => this.onError(error as Error)),
      );
      this.groups.set(key, group);
      // Hear other processes' due notices before reading due times, so none falls in between.
      await this.dueWatch.watch(request.queues);
      await group.start();
    }
    return group;
  }

  private async closeIdleGroups(): Promise<void> {
    for (const [key, group] of this.groups) {
      if (group.inFlight === 0 && realTimeNow() - group.lastUsed > GROUP_IDLE_MS) {
        this.groups.delete(key);
        await group.close();
      }
    }
  }

  /** EventBus messages go through the store's bus (Redis pub/sub, PostgreSQL NOTIFY, or in-process). */
  async publishMessage(topic: string, payload: string): Promise<void> {
    return this.live.publishMessage(topic, payload);
  }

  async subscribeMessages(pattern: string, listener: MessageListener): Promise<Unsubscribe> {
    return this.live.subscribeMessages(pattern, listener);
  }

  /** The worker registry lives in the store. */
  async heartbeatWorker(info: WorkerInfo, ttlMs: number): Promise<void> {
    return this.live.heartbeatWorker(info, ttlMs);
  }

  async deregisterWorker(id: string): Promise<void> {
    return this.live.deregisterWorker(id);
  }

  async listWorkers(): Promise<WorkerInfo[]> {
    return this.live.listWorkers();
  }

  /** A schedule's pending slot job is a delayed job: its due time is armed here and announced. */
  async upsertSchedule(schedule: ScheduleRecord): Promise<ScheduleRecord> {
    const stored = await this.live.upsertSchedule(schedule);
    this.slotMade(stored.queue, stored.paused ? undefined : stored.nextRunAt);
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
    if (stored && !paused) this.slotMade(queue, stored.nextRunAt);
    return stored;
  }

  async fireSchedule(fire: ScheduleFire): Promise<boolean> {
    const fired = await this.live.fireSchedule(fire);
    if (fired) this.slotMade(fire.queue, fire.nextRunAt);
    return fired;
  }

  /**
   * A slot job due at `slot` was made. Its timer is armed even when the slot is due by now: the store judged
   * "delayed" by its own earlier now, and a slot job stored delayed with no timer would wait for a
   * maintenance pass (a slot started 4.2 s late). If it went straight to waiting, the timer finds nothing.
   */
  private slotMade(queue: string, slot: number | undefined): void {
    if (slot !== undefined) this.dueWatch.due(queue, slot);
  }

  /** Named locks live in the store: the broker has no place for them. */
  lock(key: string, options: LockOptions): Promise<Lock> {
    return acquireLock(this.store, key, options, this.clock);
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

  async releaseWorker(workerId: string): Promise<void> {
    for (const [key, group] of this.groups) {
      if (!key.startsWith(`${workerId}\u0000`)) continue;
      this.groups.delete(key);
      await group.close();
    }
  }

  async extendLocks(locks: LockRef[], lockMs: number): Promise<LockRef[]> {
    return this.live.extendLocks(locks, lockMs);
  }

  /** Records outcomes; retries, released dependants and dead letters reach the broker through the signals. */
  async finish(outcomes: Outcome[]): Promise<FinishStatus[]> {
    const statuses = await this.live.finish(outcomes);
    for (const [index, outcome] of outcomes.entries()) {
      if (statuses[index] !== "ok" || outcome.kind !== "failed") continue;
      // Armed for every retry with a backoff, even one due by now: the store judged "delayed" by its own
      // earlier now, and a retry it stored delayed with no timer armed would wait for a maintenance pass.
      if (outcome.retryAt !== undefined && outcome.retryAt > outcome.finishedAt) {
        this.dueWatch.due(outcome.lock.queue, outcome.retryAt);
      }
    }
    return statuses;
  }

  /** A copy of a job that ended for good goes to its queue's dead-letter queue, with the reason. */
  private async deadLetterJob(queue: string, id: string, reason: string): Promise<void> {
    try {
      const record = await this.store.getJob(queue, id);
      const body = encodeEnvelope({ id, name: record?.name ?? "unknown", data: record?.data ?? "null" });
      await this.publisher.publishDeadLetter(queue, body, reason);
    } catch (error) {
      if (!this.closed) this.onError(error as Error);
    }
  }

  /** The store's pass, then reconciliation, then the queue's outbox (leases that ran out included). */
  async maintain(queue: string, now: number): Promise<MaintenanceReport> {
    const report = await this.live.maintain(queue, now);
    await this.reconcile(queue, now);
    await this.relay.flush(queue);
    return report;
  }

  /**
   * The store is the truth: a job it holds as waiting since before the bound, while the broker queue has no
   * ready message, lost its delivery (a publish that never happened, a message dropped): publish it again.
   * At most once per bound per queue, so a delivery that is merely held in a consumer's prefetch is copied
   * at most once per bound.
   */
  private async reconcile(queue: string, now: number): Promise<void> {
    if (now - (this.reconciledAt.get(queue) ?? 0) < this.redeliverAfterMs) return;
    this.reconciledAt.set(queue, now);
    try {
      if ((await this.publisher.readyMessages(queue)) > 0) return;
      await this.store.rearmStale(queue, now - this.redeliverAfterMs, OUTBOX_BATCH);
    } catch (error) {
      this.onError(error as Error);
    }
  }

  async getJob(queue: string, id: string): Promise<JobRecord | undefined> {
    return this.live.getJob(queue, id);
  }

  async listJobs(queue: string, query: ListQuery): Promise<JobRecord[]> {
    return this.live.listJobs(queue, query);
  }

  async countJobs(queue: string, states: JobState[]): Promise<Record<JobState, number>> {
    return this.live.countJobs(queue, states);
  }

  async removeJob(queue: string, id: string): Promise<boolean> {
    return this.live.removeJob(queue, id);
  }

  async cancelJob(queue: string, id: string, reason: string): Promise<CancelResult> {
    return this.live.cancelJob(queue, id, reason);
  }

  async retryJob(queue: string, id: string): Promise<JobRecord> {
    const record = await this.live.retryJob(queue, id);
    await this.relay.flush(queue);
    return record;
  }

  async promoteJob(queue: string, id: string): Promise<JobRecord> {
    const record = await this.live.promoteJob(queue, id);
    await this.relay.flush(queue);
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
    this.dueWatch.forget(queue);
    this.reconciledAt.delete(queue);
    for (const group of this.groups.values()) if (group.serves(queue)) await group.pauseQueue(queue);
    await this.publisher
      .withChannel((channel) => this.topology.deleteQueue(channel, queue))
      .catch((error: unknown) => this.onError(error as Error));
  }

  async pause(queue: string): Promise<void> {
    await this.live.pause(queue);
    for (const group of this.groups.values()) if (group.serves(queue)) await group.pauseQueue(queue);
  }

  async resume(queue: string): Promise<void> {
    await this.live.resume(queue);
    for (const group of this.groups.values()) if (group.serves(queue)) await group.resumeQueue(queue);
  }

  async isPaused(queue: string): Promise<boolean> {
    return this.live.isPaused(queue);
  }

  async listQueues(): Promise<string[]> {
    return this.live.listQueues();
  }

  async subscribe(queue: string, listener: (event: QueueEventRecord) => void): Promise<Unsubscribe> {
    // Pause and resume from other processes reach this process's consumers through the store's events.
    return this.live.subscribe(queue, (event) => {
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
    await this.live.ping();
    await this.connection.whenConnected(this.publishTimeoutMs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.janitor);
    for (const group of this.groups.values()) await group.close();
    this.groups.clear();
    await this.dueWatch.close();
    await this.relay.close();
    await this.started.catch(() => undefined);
    await this.topology.close();
    await this.connection.close();
    await this.store.close();
  }
}
