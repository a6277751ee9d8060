// The Redis job store: every state transition is one Lua script (scripts/*.lua), events flow through one
// bounded stream per queue. RedisBackend composes it with the blocking delivery; AmqpBackend with RabbitMQ.
import type { Redis } from "ioredis";
import { systemClock, type Clock } from "../../core/clock.js";
import { ClosedError } from "../../errors/warren-error.js";
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
import type { RedisConnectionGuard } from "./connection-guard.js";
import { openRedisConnection } from "./open-connection.js";
import { DueNotices } from "./due-notices.js";
import { RedisBus } from "./redis-bus.js";
import { EventReader } from "./event-reader.js";
import { redisKeys, type RedisKeys } from "./keys.js";
import * as read from "./redis-read.js";
import * as workers from "./redis-workers.js";
import { decodeRecord, toEnqueuePayload, translateScriptError } from "./record-codec.js";
import { groupBy, leaseArgs } from "./redis-util.js";
import { newJobRecord } from "../new-job-record.js";
import { RedisSchedules } from "./redis-schedules.js";
import { ScriptRunner, type ScriptName, type ScriptReply } from "./script-runner.js";

/** Options for {@link RedisStore} and RedisBackend. */
export interface RedisStoreOptions {
  /** `redis://[:password@]host:port/db` or `rediss://…`. @defaultValue "redis://127.0.0.1:6379/0" */
  url?: string;
  /** An ioredis client to use instead of `url` (the backend duplicates it for blocking reads). */
  client?: Redis;
  /** Client name (CLIENT SETNAME) of every connection, so operators can tell them apart. @defaultValue "warren" */
  connectionName?: string;
  /** Prefix of every key. @defaultValue "warren" */
  prefix?: string;
  /** Clock for every timestamp (client time is authoritative). @defaultValue the system clock */
  clock?: Clock;
  /** Reports connection trouble (already redacted). @defaultValue console.warn */
  onError?: (error: Error) => void;
  /**
   * How long a call waits for the first connection before it fails with CONNECT_TIMEOUT (also ioredis's
   * `connectTimeout` for each attempt). @defaultValue 10000
   */
  connectTimeoutMs?: number;
}

const BATCH = 1_000;
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
  readonly clock: Clock;
  /** @internal For this folder's delivery: the command connection (blocking ones are duplicated from it). */
  readonly client: Redis;
  /** @internal */
  readonly keys: RedisKeys;
  /** @internal Guards every call against a server that is down, and translates its errors. */
  readonly guard: RedisConnectionGuard;
  /** @internal Due notices: scripts publish them, the delivery's idle fetches listen. */
  readonly due: DueNotices;
  private readonly ownsClient: boolean;
  private readonly scripts: ScriptRunner;
  private readonly events: EventReader;
  private readonly bus: RedisBus;
  private readonly schedules: RedisSchedules;
  /** "1" once a transport turned the outbox on (see JobStore.watch): scripts then record ready jobs. */
  private outbox: "1" | "0" = "0";
  private readonly onError: (error: Error) => void;
  /** The transport's ears, once it watches. */
  private signals: StoreSignals | undefined;
  private closed = false;

  constructor(options: RedisStoreOptions = {}) {
    this.onError = options.onError ?? ((error) => console.warn(`[warren] redis: ${error.message}`));
    const connection = openRedisConnection(options, (error) => this.onError(error));
    this.client = connection.client;
    this.ownsClient = connection.ownsClient;
    this.guard = connection.guard;
    this.clock = options.clock ?? systemClock;
    this.keys = redisKeys(options.prefix ?? "warren");
    this.scripts = new ScriptRunner(this.client);
    const reader = this.client.duplicate();
    // Its failures surface through the reader loop (reported below); the event would otherwise be unhandled.
    reader.on("error", () => undefined);
    this.guard.watch(reader);
    this.events = new EventReader(this.client, reader, this.keys, (error) =>
      this.closed ? undefined : this.onError(this.guard.translate(error)),
    );
    const prefix = options.prefix ?? "warren";
    this.due = new DueNotices(this.client, `${prefix}${DUE_CHANNEL_SUFFIX}`, (error) =>
      this.closed ? undefined : this.onError(this.guard.translate(error)),
    );
    this.bus = new RedisBus(this.client, prefix, (error) => this.onError(this.guard.translate(error)));
    this.schedules = new RedisSchedules({
      client: this.client,
      keys: this.keys,
      clock: this.clock,
      outbox: () => this.outbox,
      run: (name, queue, args) => this.run(name, queue, args),
      register: (queue) => this.register(queue),
      assertOpen: () => {
        if (this.closed) throw new ClosedError("the redis backend is closed; create a new one");
      },
    });
  }

  /** @internal Throws ClosedError once close() was called: no handle may use a closed store. */
  assertOpen(): void {
    if (this.closed) throw new ClosedError("the redis backend is closed; create a new one");
  }

  private async run(
    name: ScriptName,
    queue: string,
    args: Array<string | number>,
    id?: string,
  ): Promise<unknown> {
    this.assertOpen();
    if (!this.guard.open) await this.guard.ready();
    let reply: ScriptReply;
    try {
      // Only the queue's own key is declared: every key a script touches shares its hash tag (one cluster slot).
      reply = await this.scripts.run(name, [this.keys.base(queue)], args);
    } catch (error) {
      throw this.guard.translate(translateScriptError(error, queue, id));
    }
    if (this.signals) tellTransport(this.signals, reply);
    return reply.result;
  }

  async acquireLock(key: string, token: string, ttlMs: number): Promise<number | undefined> {
    const fence = await this.runLockScript("acquire-lock", key, [token, this.clock.now(), ttlMs]);
    return typeof fence === "number" ? fence : undefined;
  }

  async extendLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.runLockScript("extend-lock", key, [token, this.clock.now(), ttlMs])) === 1;
  }

  async releaseLock(key: string, token: string): Promise<boolean> {
    return (await this.runLockScript("release-lock", key, [token, this.clock.now()])) === 1;
  }

  async heartbeatWorker(info: WorkerInfo, ttlMs: number): Promise<void> {
    this.assertOpen();
    await this.guard.call(() => workers.heartbeat(this.client, this.keys, info, this.clock.now() + ttlMs));
  }

  async deregisterWorker(id: string): Promise<void> {
    this.assertOpen();
    await this.guard.call(() => this.client.hdel(this.keys.workers, id));
  }

  async listWorkers(): Promise<WorkerInfo[]> {
    this.assertOpen();
    return this.guard.call(() => workers.listLive(this.client, this.keys, this.clock.now()));
  }

  async publishMessage(topic: string, payload: string): Promise<void> {
    this.assertOpen();
    return this.guard.call(() => this.bus.publish(topic, payload));
  }

  async subscribeMessages(pattern: string, listener: MessageListener): Promise<Unsubscribe> {
    this.assertOpen();
    return this.guard.call(() => this.bus.subscribe(pattern, listener));
  }

  private async runLockScript(name: ScriptName, key: string, args: Array<string | number>): Promise<unknown> {
    this.assertOpen();
    return (await this.guard.call(() => this.scripts.run(name, [this.keys.lock(key)], args))).result;
  }

  async enqueue(records: NewJobRecord[]): Promise<EnqueueResult[]> {
    const queues = [...new Set(records.map((record) => record.queue))];
    // The registry (for topic patterns and listQueues) lives outside the queues' slots, so it is written
    // beside the script rather than inside it; pipelined on the same connection, it costs no round-trip.
    // Awaited together: a registry write left floating rejected unhandled when the server was down, and Node
    // exits on an unhandled rejection.
    const [reply] = (await Promise.all([
      this.run("enqueue-jobs", queues[0]!, [
        this.clock.now(),
        this.outbox,
        JSON.stringify(records.map(toEnqueuePayload)),
      ]),
      ...queues.map((queue) => this.register(queue)),
    ])) as [Array<[1, JobState, number | ""] | [0 | 2, string[]]>, ...unknown[]];
    // A new job's record is what was sent plus its entry state: no HGETALL back for every job of a batch.
    return reply.map((entry, i) =>
      entry[0] === 1
        ? {
            record: newJobRecord(records[i]!, entry[1], entry[2] === "" ? undefined : Number(entry[2])),
            created: true,
          }
        : { record: decodeRecord(entry[1]), created: entry[0] === 2 },
    );
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
  async claimReady(request: ReadyClaimRequest): Promise<ReadyClaim> {
    const jobs: JobRecord[] = [];
    let wakeAt = Infinity;
    for (const queue of request.queues) {
      const [nextDue, limiterReset, claimed] = (await this.run("claim-jobs", queue, [
        this.clock.now(),
        request.max - jobs.length,
        ...leaseArgs(request, this.outbox),
      ])) as [number, number, string[]];
      for (const json of claimed) jobs.push(decodeRecord(json));
      if (nextDue > 0) wakeAt = Math.min(wakeAt, nextDue);
      if (limiterReset > 0) wakeAt = Math.min(wakeAt, limiterReset);
      if (jobs.length >= request.max) break;
    }
    return { jobs, queues: request.queues, wakeAt: wakeAt === Infinity ? undefined : wakeAt };
  }

  async extendLocks(locks: LockRef[], lockMs: number): Promise<LockRef[]> {
    const lost: LockRef[] = [];
    for (const [queue, list] of groupBy(locks, (lock) => lock.queue)) {
      const ids = (await this.run("extend-locks", queue, [
        this.clock.now(),
        lockMs,
        ...list.flatMap((lock) => [lock.id, lock.token]),
      ])) as string[];
      const lostIds = new Set(ids);
      for (const lock of list) if (lostIds.has(lock.id)) lost.push(lock);
    }
    return lost;
  }

  async finish(outcomes: Outcome[]): Promise<FinishStatus[]> {
    const statuses = new Map<Outcome, FinishStatus>();
    for (const [queue, list] of groupBy(outcomes, (outcome) => outcome.lock.queue)) {
      const payload = list.map((o) => ({
        kind: o.kind,
        id: o.lock.id,
        token: o.lock.token,
        finishedAt: o.finishedAt,
        ...(o.kind === "completed" && o.returnValue !== undefined ? { returnValue: o.returnValue } : {}),
        ...(o.kind === "failed"
          ? {
              reason: o.reason,
              stack: o.stacktrace.join("\n"),
              ...(o.retryAt === undefined ? {} : { retryAt: o.retryAt }),
            }
          : {}),
        ...(o.kind === "cancelled" ? { reason: o.reason } : {}),
      }));
      const reply = (await this.run("finish-jobs", queue, [
        this.clock.now(),
        this.outbox,
        JSON.stringify(payload),
      ])) as FinishStatus[];
      list.forEach((outcome, i) => statuses.set(outcome, reply[i] ?? "lock-lost"));
    }
    return outcomes.map((outcome) => statuses.get(outcome) ?? "lock-lost");
  }

  async maintain(queue: string, now: number): Promise<MaintenanceReport> {
    const [promoted, stalled, failedStalled, expired, removed] = (await this.run("maintain-queue", queue, [
      now,
      this.outbox,
    ])) as number[];
    return {
      promoted: promoted ?? 0,
      stalled: stalled ?? 0,
      failedStalled: failedStalled ?? 0,
      expired: expired ?? 0,
      removed: removed ?? 0,
    };
  }

  async claimJobs(request: ClaimRequest): Promise<ClaimResult[]> {
    const reply = (await this.run("claim-job-ids", request.queue, [
      this.clock.now(),
      ...leaseArgs(request, this.outbox),
      ...request.ids,
    ])) as Array<[string, unknown?]>;
    return reply.map(([status, payload], i): ClaimResult => {
      const id = request.ids[i]!;
      switch (status) {
        case "claimed":
          return { id, status: "claimed", record: decodeRecord(payload) };
        case "expired":
          return { id, status: "expired", record: decodeRecord(payload) };
        case "limited":
          return { id, status: "limited", retryAt: Number(payload) };
        case "paused":
          return { id, status: "paused" };
        case "not-ready":
          return { id, status: "not-ready" };
        default:
          return { id, status: "gone" };
      }
    });
  }

  async takeOutbox(queue: string, now: number, limit: number, leaseMs: number): Promise<OutboxEntry[]> {
    const reply = (await this.run("take-outbox", queue, [now, limit, leaseMs])) as string[][];
    return reply.map(([id, name, data, priority]) => ({
      id: id!,
      name: name!,
      data: data!,
      priority: Number(priority),
    }));
  }

  async nextDueAt(queue: string): Promise<number | undefined> {
    this.assertOpen();
    const head = await this.guard.call(() =>
      this.client.zrange(this.keys.delayed(queue), "0", "0", "WITHSCORES"),
    );
    return head[1] === undefined ? undefined : Number(head[1]);
  }

  async ackOutbox(queue: string, ids: string[], leasedUntil: number): Promise<void> {
    if (ids.length > 0) await this.run("ack-outbox", queue, [leasedUntil, ...ids]);
  }

  async promoteDue(queue: string, now: number): Promise<PromoteResult> {
    const [promoted, next] = (await this.run("promote-due", queue, [now, this.outbox])) as [number, number];
    return { promoted, nextDueAt: next > 0 ? next : undefined };
  }

  async rearmStale(queue: string, readyBefore: number, limit: number): Promise<number> {
    return (await this.run("rearm-stale", queue, [readyBefore, limit])) as number;
  }

  watch(signals: StoreSignals): void {
    this.signals = signals;
    this.outbox = "1";
  }

  async getJob(queue: string, id: string): Promise<JobRecord | undefined> {
    this.assertOpen();
    const flat = await this.guard.call(() => this.client.hgetall(`${this.keys.base(queue)}j:${id}`));
    return Object.keys(flat).length === 0 ? undefined : decodeRecord(Object.entries(flat).flat());
  }

  async listJobs(queue: string, query: ListQuery): Promise<JobRecord[]> {
    this.assertOpen();
    return this.guard.call(() => read.listJobs(this.client, this.keys, queue, query));
  }

  async countJobs(queue: string, states: JobState[]): Promise<Record<JobState, number>> {
    this.assertOpen();
    return this.guard.call(() => read.countJobs(this.client, this.keys, queue, states));
  }

  async removeJob(queue: string, id: string): Promise<boolean> {
    return (await this.run("remove-job", queue, [id, this.clock.now(), this.outbox], id)) === 1;
  }

  async cancelJob(queue: string, id: string, reason: string): Promise<CancelResult> {
    return (await this.run(
      "cancel-job",
      queue,
      [id, reason, this.clock.now(), this.outbox],
      id,
    )) as CancelResult;
  }

  async retryJob(queue: string, id: string): Promise<JobRecord> {
    return decodeRecord(await this.run("retry-job", queue, [id, this.clock.now(), this.outbox], id));
  }

  async promoteJob(queue: string, id: string): Promise<JobRecord> {
    return decodeRecord(await this.run("promote-job", queue, [id, this.clock.now(), this.outbox], id));
  }

  async updateProgress(
    queue: string,
    id: string,
    token: string | undefined,
    progress: string,
  ): Promise<FinishStatus> {
    return (await this.run(
      "update-progress",
      queue,
      [id, token ?? "", progress, this.clock.now()],
      id,
    )) as FinishStatus;
  }

  async addLog(queue: string, id: string, line: string): Promise<number> {
    return (await this.run("add-log", queue, [id, line, this.clock.now()], id)) as number;
  }

  async getLogs(
    queue: string,
    id: string,
    offset: number,
    limit: number,
  ): Promise<{ logs: string[]; count: number }> {
    this.assertOpen();
    const key = this.keys.logs(queue, id);
    const [logs, count] = await this.guard.call(() =>
      Promise.all([
        limit > 0 ? this.client.lrange(key, String(offset), String(offset + limit - 1)) : Promise.resolve([]),
        this.client.llen(key),
      ]),
    );
    return { logs, count };
  }

  async clean(queue: string, state: JobState, before: number, limit: number): Promise<string[]> {
    if (state === "active") {
      const { ConflictError } = await import("../../errors/warren-error.js");
      throw new ConflictError(
        "CONFLICT",
        "active jobs cannot be cleaned; cancel them or wait for them to finish",
      );
    }
    return (await this.run("clean-jobs", queue, [
      state,
      before,
      Math.min(limit, 1_000_000),
      this.clock.now(),
      this.outbox,
    ])) as string[];
  }

  async drain(queue: string, includeDelayed: boolean): Promise<number> {
    let total = 0;
    for (;;) {
      const removed = (await this.run("drain-queue", queue, [
        includeDelayed ? "1" : "0",
        BATCH,
        this.clock.now(),
        this.outbox,
      ])) as number;
      total += removed;
      if (removed < BATCH) return total;
    }
  }

  async obliterate(queue: string, force: boolean): Promise<void> {
    while (((await this.run("obliterate-queue", queue, [force ? "1" : "0", BATCH])) as number) > 0) {
      // Batches keep each script call short; loop until the queue is gone.
    }
    await this.guard.call(() => this.client.srem(this.keys.registry, queue));
  }

  async pause(queue: string): Promise<void> {
    await Promise.all([this.register(queue), this.run("set-paused", queue, ["1", this.clock.now()])]);
  }

  async resume(queue: string): Promise<void> {
    await Promise.all([this.register(queue), this.run("set-paused", queue, ["0", this.clock.now()])]);
  }

  /** Records the queue in the prefix's registry (idempotent). */
  private async register(queue: string): Promise<void> {
    if (this.closed) return;
    // A new queue may match a worker's topic pattern: announce it, so that worker takes its jobs at once.
    const added = await this.guard.call(() => this.client.sadd(this.keys.registry, queue));
    if (added === 1) await this.guard.call(() => this.due.publish(queue, 0));
  }

  async isPaused(queue: string): Promise<boolean> {
    this.assertOpen();
    return (await this.guard.call(() => this.client.hget(`${this.keys.base(queue)}meta`, "paused"))) === "1";
  }

  async listQueues(): Promise<string[]> {
    this.assertOpen();
    return (await this.guard.call(() => this.client.smembers(this.keys.registry))).sort();
  }

  async subscribe(queue: string, listener: (event: QueueEventRecord) => void): Promise<Unsubscribe> {
    this.assertOpen();
    return this.guard.call(() => this.events.subscribe(queue, listener));
  }

  async ping(): Promise<void> {
    this.assertOpen();
    await this.guard.call(() => this.client.ping());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.guard.close(new ClosedError("the redis backend is closed; create a new one"));
    await this.events.close();
    this.bus.close();
    this.due.close();
    if (this.ownsClient) await this.client.quit().catch(() => this.client.disconnect());
  }
}

/** Hands a script's signals to the transport: outbox entries to publish, jobs to dead-letter. */
function tellTransport(signals: StoreSignals, reply: ScriptReply): void {
  for (const queue of reply.outboxFilled) signals.outboxFilled(queue);
  const dead = reply.deadLetters;
  for (let i = 0; i + 2 < dead.length; i += 3) signals.deadLettered(dead[i]!, dead[i + 1]!, dead[i + 2]!);
}
