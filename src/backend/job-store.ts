// The state half of a backend: the job state machine, written once per engine (Redis Lua, PostgreSQL SQL,
// memory). It keeps jobs, leases, schedules and events, and — for a transport that delivers by message — the
// outbox of ready jobs whose delivery message is not yet confirmed. It never waits for work: a Delivery does.
import type { StateOperations } from "./contract.js";
import type { StoreDeadLetterOperations } from "./dead-letter-records.js";
import type {
  EnqueueResult,
  FetchRequest,
  GroupLimits,
  JobRecord,
  NewJobRecord,
  RateLimit,
  TraceContext,
} from "./records.js";

/** Claim specific jobs, named by delivery messages, for one worker. */
export interface ClaimRequest {
  queue: string;
  ids: string[];
  workerId: string;
  lockMs: number;
  maxStalledCount: number;
  limiter: RateLimit | undefined;
  groupLimits?: GroupLimits | undefined;
}

/** What became of one id in a claim. */
export type ClaimResult =
  /** Now active under a fresh lease for this worker. */
  | { id: string; status: "claimed"; record: JobRecord }
  /** Missing, finished, cancelled, or active under another lease: the message is a duplicate; drop it. */
  | { id: string; status: "gone" }
  /** Delayed or waiting for dependencies: the outbox will deliver it again when it is ready; drop it. */
  | { id: string; status: "not-ready" }
  /** Its ttl ran out before it started: now expired. */
  | { id: string; status: "expired"; record: JobRecord }
  /** The queue is paused: requeue the message. */
  | { id: string; status: "paused" }
  /** The queue's limiter is full until `retryAt`: requeue the message. */
  | { id: string; status: "limited"; retryAt: number };

/** A ready job whose delivery message must be published. */
export interface OutboxEntry {
  id: string;
  name: string;
  /** Job data as JSON text. */
  data: string;
  priority: number;
  /** The producer's trace context, sent as the message's `traceparent` and `tracestate` headers. */
  trace?: TraceContext | undefined;
}

/** How a store writes a batch for a transport that publishes the batch's fresh ready jobs itself. */
export interface StoreEnqueueOptions {
  /**
   * The outbox entries of the batch's new waiting jobs are written already leased until this time (ms) and
   * not signalled (StoreSignals.outboxFilled): the caller publishes them from the results and acks them with
   * this lease. Saves a take round trip per add; an entry whose publish never lands is taken by a relay pass
   * once the lease ends, like any other.
   */
  outboxLeasedUntil?: number;
}

/** What a store tells its transport once an operation's writes are durable. Called in the store's process. */
export interface StoreSignals {
  /** Jobs of `queue` entered the outbox (new, retried, promoted, released): publish them. */
  outboxFilled(queue: string): void;
  /**
   * A job ended failed or expired for good, by any path (a final failure, its stall budget, its ttl, a failed
   * dependency): the transport keeps a copy in its dead letters.
   */
  deadLettered(queue: string, id: string, reason: string): void;
}

/** What `promoteDue` did. */
export interface PromoteResult {
  /** Delayed jobs that were due and are now waiting (in the outbox). */
  promoted: number;
  /** When the earliest job still delayed is due, if any. */
  nextDueAt: number | undefined;
}

/** A pull claim: a fetch without its wait. */
export type ReadyClaimRequest = Omit<FetchRequest, "blockMs" | "signal">;

/** What a pull claim took, and when to look again if it took nothing. */
export interface ReadyClaim {
  jobs: JobRecord[];
  /** The queues the request's names and patterns matched when it ran (what a wait should watch). */
  queues: string[];
  /** The earliest time a job of those queues becomes claimable (due, limiter window), if known. */
  wakeAt: number | undefined;
}

/**
 * The job state machine of one engine. A store serves two kinds of delivery: its engine's own, which pulls
 * ready jobs with {@link JobStore.claimReady} and waits on the engine's wake-ups, and a transport (RabbitMQ),
 * which calls {@link JobStore.watch} to turn the outbox on and claims the jobs its messages name.
 */
export interface JobStore extends StateOperations, StoreDeadLetterOperations {
  /** The engine's name (`memory`, `redis`, `postgres`). */
  readonly kind: string;
  /** Jobs and events are shared between processes. */
  readonly crossProcess: boolean;
  /** What OpenTelemetry's `messaging.system` calls the engine when it also delivers (`redis`, `postgresql`). */
  readonly messagingSystem: string;
  /** See Backend.enqueue; `options` when a transport publishes the batch's fresh ready jobs itself. */
  enqueue(records: NewJobRecord[], options?: StoreEnqueueOptions): Promise<EnqueueResult[]>;
  /**
   * Claims up to `max` ready jobs from unpaused queues matching `queues` at once (highest priority first,
   * FIFO within a priority), expiring those whose ttl ran out; never waits.
   */
  claimReady(request: ReadyClaimRequest): Promise<ReadyClaim>;
  /** Claims the jobs named by delivery messages. */
  claimJobs(request: ClaimRequest): Promise<ClaimResult[]>;
  /**
   * Ready jobs of `queue` to publish: new outbox entries, and entries taken more than `leaseMs` ago whose
   * publish was never acknowledged. Taken entries are leased until now + leaseMs.
   */
  takeOutbox(queue: string, now: number, limit: number, leaseMs: number): Promise<OutboxEntry[]>;
  /**
   * Publishes were confirmed: forget these entries — only those still under the lease they were taken with
   * (`leasedUntil` = the take's now + leaseMs). An entry made again since (the job was claimed, failed and
   * became ready again while the old message was in flight) is a new delivery owed, and stays.
   */
  ackOutbox(queue: string, ids: string[], leasedUntil: number): Promise<void>;
  /** When the earliest delayed job of `queue` is due (ms), if it has any; lets the transport wake on time. */
  nextDueAt(queue: string): Promise<number | undefined>;
  /** Moves the delayed jobs of `queue` due by `now` to waiting (and the outbox), at once. */
  promoteDue(queue: string, now: number): Promise<PromoteResult>;
  /**
   * Reconciliation: waiting jobs of `queue` that became ready before `readyBefore` and have no outbox entry
   * get one again (at most `limit`), for a transport whose delivery of them was lost. Returns how many.
   * A duplicate delivery is harmless: a claim takes a job once.
   */
  rearmStale(queue: string, readyBefore: number, limit: number): Promise<number>;
  /**
   * Turns the outbox on and starts telling `signals` about outbox entries and dead letters. Called once, by
   * the transport composed with this store, before any other call.
   */
  watch(signals: StoreSignals): void;
}
