// The state half of a backend, for backends that bring their own delivery (RabbitMQ): a store keeps jobs,
// leases and the outbox of ready jobs whose delivery message is not yet confirmed; the transport delivers.
import type { Backend } from "./contract.js";
import type { GroupLimits, JobRecord, RateLimit } from "./records.js";

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

/**
 * A Backend whose own `fetch` is not used: jobs are delivered by a transport, claimed by id, and every
 * transition to waiting records the job in an outbox until its delivery message is confirmed.
 */
export interface JobStore extends Backend {
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
  /** Starts telling `signals` about outbox entries and dead letters. One transport per store. */
  watch(signals: StoreSignals): void;
}
