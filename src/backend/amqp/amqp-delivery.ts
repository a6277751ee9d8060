// RabbitMQ as a delivery: the channel and wake-up signal for any JobStore, which stays the source of truth.
// Publish: store first, then persistent messages with confirms (outbox: unconfirmed ones are republished; the
// store signals every outbox entry it makes, whichever operation made it). Consume: basic.consume with prefetch;
// each delivery is claimed in the store, then acked at once — the store's lease, not an open delivery, owns
// crash recovery. Time: due jobs are promoted and published by per-queue timers (see due-watch.ts).
import { realTimeNow, type Clock } from "../../core/clock.js";
import { ClosedError } from "../../errors/warren-error.js";
import { traceHeaders } from "../../tracing/trace-context.js";
import type { Logger } from "../../logging/logger.js";
import type { Delivery, DeliveryCapabilities, StoreChange } from "../delivery.js";
import type { JobStore, OutboxEntry } from "../job-store.js";
import type {
  EnqueueResult,
  FetchRequest,
  FinishStatus,
  JobRecord,
  Outcome,
  QueueEventRecord,
} from "../records.js";
import {
  resolveAmqpDeliveryOptions,
  type AmqpDeliveryOptions,
  type ResolvedAmqpDeliveryOptions,
} from "./amqp-options.js";
import { AmqpDeadLetters } from "./amqp-dead-letters.js";
import { claimDeliveries } from "./claim-deliveries.js";
import { AmqpConnection } from "./connection.js";
import { ConsumerGroup } from "./consumer-group.js";
import { DEAD_LETTERED_AT_HEADER } from "./dead-letter-message.js";
import { DueWatch } from "./due-watch.js";
import { OUTBOX_BATCH, OUTBOX_LEASE_MS, OutboxRelay } from "./outbox-relay.js";
import { encodeEnvelope } from "./envelope.js";
import { Publisher } from "./publisher.js";
import { topologyNames, type TopologyNames } from "./topology.js";
import { TopologyDeclarer } from "./topology-declarer.js";

const QUORUM_DELIVERY_LIMIT = 20;
const GROUP_IDLE_MS = 15_000;

/**
 * Jobs delivered over RabbitMQ, state kept in a JobStore (composed by AmqpBackend).
 * @example new ComposedBackend(store, new AmqpDelivery(store, { url: "amqp://guest:guest@127.0.0.1:5672" }))
 */
export class AmqpDelivery implements Delivery {
  readonly transport = "amqp";
  readonly messagingSystem = "rabbitmq";
  readonly capabilities: DeliveryCapabilities = Object.freeze({
    topicWildcards: true,
    nativeDeadLetter: true,
    blockingFetch: true,
    roundRobinGroups: false,
  });
  readonly names: TopologyNames;
  readonly logger: Logger;
  /** `warren.dlq.<queue>`, listed, replayed and purged beside the store's dead letters. */
  readonly deadLetters: AmqpDeadLetters;
  /** This transport's records, bound to `backend: "amqp"`. */
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly connection: AmqpConnection;
  private readonly topology: TopologyDeclarer;
  private readonly publisher: Publisher;
  private readonly groups = new Map<string, ConsumerGroup>();
  private readonly started: Promise<void>;
  private readonly options: ResolvedAmqpDeliveryOptions;
  private readonly janitor: NodeJS.Timeout;
  private readonly relay: OutboxRelay;
  /** An add's new waiting jobs are written leased and published straight from its results (see enqueued). */
  readonly outboxLeaseMs = OUTBOX_LEASE_MS;
  private readonly dueWatch: DueWatch;
  /** When each queue was last reconciled, so a lost delivery is made again at most once per bound. */
  private readonly reconciledAt = new Map<string, number>();
  private closed = false;

  constructor(
    private readonly store: JobStore,
    options: AmqpDeliveryOptions,
  ) {
    this.options = resolveAmqpDeliveryOptions(options);
    this.logger = this.options.logger;
    this.log = this.logger.child({ backend: "amqp" });
    this.clock = store.clock;
    this.names = topologyNames(this.options.exchange);
    this.connection = new AmqpConnection({
      url: this.options.url,
      socketOptions: this.options.tls,
      connectionName: this.options.connectionName,
      connectTimeoutMs: this.options.connectTimeoutMs,
      onError: (error) => this.onError(error),
      logger: this.log,
    });
    this.topology = new TopologyDeclarer(this.names, this.options.queueType, QUORUM_DELIVERY_LIMIT, {
      connection: this.connection,
      onError: (error) => this.onError(error),
    });
    this.publisher = new Publisher(this.connection, this.names, this.topology, this.options.publishTimeoutMs);
    this.deadLetters = new AmqpDeadLetters({
      connection: this.connection,
      names: this.names,
      topology: this.topology,
      store: this.store,
      connectTimeoutMs: this.options.publishTimeoutMs,
      onError: (error) => this.onError(error),
    });
    const report = (error: unknown): void => this.onError(error as Error);
    this.relay = new OutboxRelay(this.store, this.publisher, this.clock, report, this.log);
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
      deadLettered: (queue, id, reason) =>
        this.deadLetters.track(queue, this.deadLetterJob(queue, id, reason)),
    });
    this.started = this.connection.start();
    this.started.catch((error: unknown) => this.onError(error as Error));
    this.janitor = setInterval(() => void this.closeIdleGroups(), GROUP_IDLE_MS);
    this.janitor.unref();
  }

  private onError(error: Error): void {
    this.options.onError(error);
  }

  /** Throws ClosedError once closed: a fetch loop on a closed backend must not answer "no work" and spin. */
  private assertOpen(): void {
    if (this.closed) throw new ClosedError("the RabbitMQ backend is closed; create a new one");
  }

  /** The broker's version, once connected (read from the connection's server properties). */
  get serverVersion(): string | undefined {
    return this.connection.serverVersion;
  }

  /**
   * Store-first covers an outage of a broker this backend has reached; before that, a wrong URL or refused
   * credentials would leave jobs stored that no worker can ever be sent: refuse them instead.
   */
  beforeEnqueue(): Promise<void> {
    return this.connection.whenFirstConnected();
  }

  async changed(change: StoreChange): Promise<void> {
    switch (change.kind) {
      case "enqueued":
        return this.enqueued(change.results, change.outboxLeasedUntil);
      case "finished":
        return this.finished(change.outcomes, change.statuses);
      case "slot":
        return this.slotMade(change.queue, change.dueAt);
      case "readied":
        return this.relay.flush(change.queue);
      case "paused":
        for (const group of this.groups.values())
          if (group.serves(change.queue)) await group.pauseQueue(change.queue);
        return;
      case "resumed":
        for (const group of this.groups.values())
          if (group.serves(change.queue)) await group.resumeQueue(change.queue);
        return;
      case "obliterated":
        return this.obliterated(change.queue);
    }
  }

  /**
   * An add resolves once its job is published (or the outbox has taken over, when the broker is away). Under
   * `leasedUntil` the store wrote the new waiting jobs' outbox entries leased to this call: they are published
   * from the results, without a take round trip, and acked behind the caller.
   */
  private async enqueued(results: EnqueueResult[], leasedUntil: number | undefined): Promise<void> {
    const ready = new Map<string, OutboxEntry[]>();
    for (const { record, created } of results) {
      if (!created) continue;
      if (record.state === "waiting") {
        let entries = ready.get(record.queue);
        if (!entries) ready.set(record.queue, (entries = []));
        entries.push(outboxEntryOf(record));
      } else if (record.state === "delayed") this.dueWatch.due(record.queue, record.runAt);
    }
    await Promise.all(
      [...ready].map(([queue, entries]) =>
        leasedUntil === undefined
          ? this.relay.flush(queue)
          : this.relay.publishLeased(queue, entries, leasedUntil),
      ),
    );
  }

  /** Retries, released dependants and dead letters reach the broker through the store's signals. */
  private finished(outcomes: Outcome[], statuses: FinishStatus[]): Promise<void> {
    for (const [index, outcome] of outcomes.entries()) {
      if (statuses[index] !== "ok" || outcome.kind !== "failed") continue;
      // Armed for every retry with a backoff, even one due by now: the store judged "delayed" by its own
      // earlier now, and a retry it stored delayed with no timer armed would wait for a maintenance pass.
      if (outcome.retryAt !== undefined && outcome.retryAt > outcome.finishedAt) {
        this.dueWatch.due(outcome.lock.queue, outcome.retryAt);
      }
    }
    return Promise.resolve();
  }

  /**
   * A slot job due at `slot` was made. Its timer is armed even when the slot is due by now: the store judged
   * "delayed" by its own earlier now, and a slot job stored delayed with no timer would wait for a
   * maintenance pass (a slot started 4.2 s late). If it went straight to waiting, the timer finds nothing.
   */
  private slotMade(queue: string, slot: number | undefined): Promise<void> {
    if (slot !== undefined) this.dueWatch.due(queue, slot);
    return Promise.resolve();
  }

  private async obliterated(queue: string): Promise<void> {
    this.dueWatch.forget(queue);
    this.reconciledAt.delete(queue);
    for (const group of this.groups.values()) if (group.serves(queue)) await group.pauseQueue(queue);
    await this.publisher
      .withChannel((channel) => this.topology.deleteQueue(channel, queue))
      .catch((error: unknown) => this.onError(error as Error));
  }

  /** Pause and resume from other processes reach this process's consumers through the store's events. */
  observe(event: QueueEventRecord): void {
    if (event.event !== "paused" && event.event !== "resumed") return;
    for (const group of this.groups.values()) {
      if (!group.serves(event.queue)) continue;
      const change =
        event.event === "paused" ? group.pauseQueue(event.queue) : group.resumeQueue(event.queue);
      change.catch((error: unknown) => this.onError(error as Error));
    }
  }

  async fetch(request: FetchRequest): Promise<JobRecord[]> {
    this.assertOpen();
    await this.started;
    await this.connection.whenFirstConnected();
    if (!this.connection.connected && !(await this.reconnectedWithin(request))) return [];
    const group = await this.groupFor(request);
    group.inFlight += 1;
    try {
      const deadline = realTimeNow() + request.blockMs;
      for (;;) {
        // A closed backend refuses, rather than answering "no work" at once: a caller looping would spin.
        this.assertOpen();
        if (request.signal.aborted) return [];
        const deliveries = group.take(request.max, this.clock.now());
        if (deliveries.length > 0) {
          const claimed = await claimDeliveries(
            {
              store: this.store,
              publisher: this.publisher,
              group,
              onError: (e) => this.onError(e as Error),
              logger: this.log,
            },
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

  /**
   * During an outage a fetch waits up to blockMs for the broker, then fails (BackendUnavailableError) rather
   * than answering "no work": the worker's log and health then show the outage. False: the fetch was aborted.
   */
  private async reconnectedWithin(request: FetchRequest): Promise<boolean> {
    if (request.signal.aborted) return false;
    const connected = this.connection.whenConnected(request.blockMs).then(() => true);
    // The abort may win the race; a later rejection of the wait must not go unhandled.
    connected.catch(() => undefined);
    const aborted = new Promise<boolean>((resolve) =>
      request.signal.addEventListener("abort", () => resolve(false), { once: true }),
    );
    return Promise.race([connected, aborted]);
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
        this.options.prefetchFor(request.max),
        (error) => this.onError(error as Error),
        (queue) => void this.dueWatch.consumed(queue).catch((error: unknown) => this.onError(error as Error)),
      );
      this.groups.set(key, group);
      try {
        // Hear other processes' due notices before reading due times, so none falls in between.
        await this.dueWatch.watch(request.queues);
        await group.start();
      } catch (error) {
        // A group kept after a failed start would never be started again: the next fetch makes a new one.
        this.groups.delete(key);
        await group.close();
        throw error;
      }
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

  async releaseWorker(workerId: string): Promise<void> {
    for (const [key, group] of this.groups) {
      if (!key.startsWith(`${workerId}\u0000`)) continue;
      this.groups.delete(key);
      await group.close();
    }
  }

  /** A copy of a job that ended for good goes to its queue's dead-letter queue, with the reason. */
  private async deadLetterJob(queue: string, id: string, reason: string): Promise<void> {
    try {
      const record = await this.store.getJob(queue, id);
      const body = encodeEnvelope({ id, name: record?.name ?? "unknown", data: record?.data ?? "null" });
      await this.publisher.publishDeadLetter(queue, body, reason, {
        ...traceHeaders(record?.trace),
        [DEAD_LETTERED_AT_HEADER]: record?.finishedAt ?? this.clock.now(),
      });
      // A job failing for good is the application's news, counted by events and metrics: not a warning.
      this.log.debug({ queue, jobId: id, reason }, "dead-letter copy published");
    } catch (error) {
      if (!this.closed) this.onError(error as Error);
    }
  }

  /** After the store's pass: reconciliation, then the queue's outbox (leases that ran out included). */
  async maintain(queue: string, now: number): Promise<void> {
    await this.reconcile(queue, now);
    await this.relay.flush(queue);
  }

  /**
   * The store is the truth: a job it holds as waiting since before the bound, while the broker queue has no
   * ready message, lost its delivery (a publish that never happened, a message dropped): publish it again.
   * At most once per bound per queue, so a delivery that is merely held in a consumer's prefetch is copied
   * at most once per bound.
   */
  private async reconcile(queue: string, now: number): Promise<void> {
    if (now - (this.reconciledAt.get(queue) ?? 0) < this.options.redeliverAfterMs) return;
    this.reconciledAt.set(queue, now);
    try {
      if ((await this.publisher.readyMessages(queue)) > 0) return;
      const rearmed = await this.store.rearmStale(queue, now - this.options.redeliverAfterMs, OUTBOX_BATCH);
      if (rearmed > 0) {
        this.log.info(
          { queue, jobs: rearmed, waitingForMs: this.options.redeliverAfterMs },
          "republishing waiting jobs whose broker message was lost",
        );
      }
    } catch (error) {
      this.onError(error as Error);
    }
  }

  async ping(): Promise<void> {
    await this.connection.whenConnected(this.options.publishTimeoutMs);
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
  }
}

/** What a delivery message carries of a job just stored. */
function outboxEntryOf(record: JobRecord): OutboxEntry {
  return {
    id: record.id,
    name: record.name,
    data: record.data,
    priority: record.opts.priority,
    trace: record.trace,
  };
}
