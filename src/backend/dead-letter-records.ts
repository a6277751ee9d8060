// Dead letters at the backend seam: what a store keeps (jobs that failed for good or expired) and what a
// transport adds (messages in its dead-letter queue that no store job accounts for).
import type { JobRecord } from "./records.js";

/** Where a dead letter lives. */
export type DeadLetterSource = "store" | "broker";

/** One dead letter as the backend reports it; `data` is JSON text, as in a job record. */
export interface DeadLetterRecord {
  /** What names the letter for replay: the job id for store letters, a stable key for broker-only ones. */
  id: string;
  /** The job's id; a broker letter has one only when its body is a Warren envelope naming it. */
  jobId?: string | undefined;
  name?: string | undefined;
  /** JSON text; absent when a broker message's body is not JSON. */
  data?: string | undefined;
  reason: string;
  /** When it was dead-lettered (ms since the epoch). */
  deadLetteredAt: number;
  attemptsMade?: number | undefined;
  source: DeadLetterSource;
}

/** A page of dead letters: store letters first (oldest first), then broker-only ones in queue order. */
export interface DeadLetterPage {
  offset: number;
  limit: number;
}

/** Hears how many of a replay's ids were handled so far. */
export type ReplayProgress = (handled: number) => void;

/** What every backend does with dead letters (the Backend side; a ComposedBackend builds it from its parts). */
export interface DeadLetterOperations {
  listDeadLetters(queue: string, page: DeadLetterPage): Promise<DeadLetterRecord[]>;
  /**
   * Replays the letters named by `ids` (letter ids as listed): each store letter goes back to waiting with a
   * fresh attempt budget, each broker letter's body is published to the queue again; the letter is removed.
   * A letter already replayed, by this call or a concurrent one, is not counted. Returns how many replayed;
   * `progress` hears how many ids were handled so far, as the replay goes.
   */
  replayDeadLetters(queue: string, ids: string[], progress?: ReplayProgress): Promise<number>;
  /** Every letter id of the queue (store, then broker), for a replay of them all. */
  listDeadLetterIds(queue: string): Promise<string[]>;
  /** Removes every dead letter of the queue (the failed and expired jobs, and the broker's copies). */
  purgeDeadLetters(queue: string): Promise<number>;
}

/** The store's one dead-letter operation that must be atomic; listing and purging use its reads and clean. */
export interface StoreDeadLetterOperations {
  /**
   * When job `id` is failed or expired, moves it to waiting with attemptsMade 0 and its stall count cleared
   * (a fresh attempt budget), emitting `waiting`, and returns it; otherwise changes nothing and returns
   * undefined. Atomic: of two concurrent replays of one job, exactly one returns it.
   */
  replayDeadLetter(queue: string, id: string): Promise<JobRecord | undefined>;
}

/**
 * A transport's own dead-letter queue (RabbitMQ's `warren.dlq.<queue>`), beside the store's letters: the
 * optional `deadLetters` of a Delivery.
 */
export interface TransportDeadLetters {
  /** Whether a letter id names one of this transport's letters (rather than a store job). */
  owns(id: string): boolean;
  /**
   * Letters in the transport's queue that no store letter accounts for, in queue order. Copies of store
   * letters are left in place; copies of jobs that are no longer dead (retried, replayed) are dropped.
   */
  list(queue: string): Promise<DeadLetterRecord[]>;
  /** Publishes the named letters' messages to the queue again and removes them; returns how many. */
  replay(queue: string, ids: string[]): Promise<number>;
  /** Removes the transport's copies of these jobs: they were replayed or retried, so are no longer dead. */
  forget(queue: string, jobIds: string[]): Promise<void>;
  /** Empties the transport's queue; returns how many of its letters were not copies of store letters. */
  purge(queue: string): Promise<number>;
}
