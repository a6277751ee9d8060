// Plain data that crosses the backend seam. Everything here is JSON-safe so any backend can store it as-is.
import type { JobRecord, StoredJobOptions } from "../model/job-record.js";
export type { TraceContext } from "../tracing/trace-context.js";
import type { JobState } from "../model/job-state.js";

// The job records are the model's; the seam carries them, so they are named here too.
export type {
  JobRecord,
  NewJobRecord,
  RetentionPolicy,
  StoredBackoff,
  StoredJobOptions,
} from "../model/job-record.js";

/** Identifies one active try of a job: a finish or heartbeat with a stale token is refused. */
export interface LockRef {
  queue: string;
  id: string;
  token: string;
}

/** Rate limit applied across all workers of a queue. */
export interface RateLimit {
  max: number;
  duration: number;
}

/** Limits applied to each fairness group of a queue, across all workers. */
export interface GroupLimits {
  /** Most jobs of one group active at once. */
  concurrency: number | undefined;
  /** Most jobs of one group started per window. */
  limiter: RateLimit | undefined;
}

/** What a worker asks of `fetch`. */
export interface FetchRequest {
  /** Queue names or topic patterns (`email.*`, `reports.#`). */
  queues: string[];
  workerId: string;
  /** Most jobs to claim. */
  max: number;
  /** Lease length for each claimed job. */
  lockMs: number;
  /** Stall budget recorded on each claimed job, used when its lease expires. */
  maxStalledCount: number;
  /** Queue-wide rate limit to honour, if the worker has one. */
  limiter: RateLimit | undefined;
  /** Per-group limits to honour, if the worker has them. */
  groupLimits?: GroupLimits | undefined;
  /** Stops a waiting fetch; fetch then resolves with what it has (possibly nothing). */
  signal: AbortSignal;
  /** Longest time to wait for work before resolving with nothing. */
  blockMs: number;
}

/** The result of a finished try, as the worker reports it. */
export type Outcome =
  | { kind: "completed"; lock: LockRef; returnValue: string | undefined; finishedAt: number }
  | {
      kind: "failed";
      lock: LockRef;
      reason: string;
      stacktrace: string[];
      finishedAt: number;
      /** Set when the job will be tried again at this time; unset for a final failure. */
      retryAt: number | undefined;
    }
  | { kind: "cancelled"; lock: LockRef; reason: string; finishedAt: number };

/** How `finish` treated one outcome. */
export type FinishStatus = "ok" | "lock-lost";

/** Result of `enqueue` for one record. */
export interface EnqueueResult {
  record: JobRecord;
  /** False when an existing job was returned (same id or dedupe key). */
  created: boolean;
}

/** Query for listing jobs. */
export interface ListQuery {
  states: JobState[];
  offset: number;
  limit: number;
  /** `asc`: oldest first; `desc`: newest first (the default for finished jobs). */
  order: "asc" | "desc";
}

/**
 * Query for searching jobs: a bounded scan of a queue's newest jobs for a case-insensitive substring of the id,
 * name, failed reason or data (JSON text). The public layer has validated it.
 */
export interface SearchQuery {
  /** The text to look for, as typed: matched literally, never as a pattern. Not empty. */
  text: string;
  /** States to look in, each once; every state when the public layer was given none. */
  states: JobState[];
  /** Matches to skip, newest first. */
  offset: number;
  /** Most matches to return. */
  limit: number;
  /** Most jobs to examine: the scan stops there and reports `truncated`. */
  scanLimit: number;
}

/** What a search found within its bound. */
export interface SearchResult {
  /** The page of matches, newest first (createdAt, then insertion order, descending). */
  records: JobRecord[];
  /** Matches among the jobs examined (not only this page). */
  total: number;
  /** The scan stopped at `scanLimit` jobs examined while the queue had more in the states asked. */
  truncated: boolean;
}

/** What one `maintain` pass did, for logs and tests. */
export interface MaintenanceReport {
  promoted: number;
  stalled: number;
  failedStalled: number;
  expired: number;
  removed: number;
}

/** Events a backend emits; every transition produces exactly one. */
export const QUEUE_EVENT_NAMES = [
  "added",
  "waiting",
  "delayed",
  "waiting-children",
  "active",
  "progress",
  "log",
  "completed",
  "failed",
  "retrying",
  "stalled",
  "cancelled",
  "cancel-requested",
  "expired",
  "removed",
  "drained",
  "paused",
  "resumed",
  "cleaned",
] as const;

/** One of {@link QUEUE_EVENT_NAMES}. */
export type QueueEventName = (typeof QUEUE_EVENT_NAMES)[number];

/**
 * The events a worker and a transport act on: rare next to a job's own transitions (added, active, completed…),
 * so a subscriber that needs only these can be told far less.
 */
export const CONTROL_EVENTS = [
  "cancel-requested",
  "stalled",
  "drained",
  "paused",
  "resumed",
] as const satisfies readonly QueueEventName[];

/** Options of `backend.subscribe`. */
export interface SubscribeOptions {
  /**
   * Deliver only these events (default: every event). A backend may then read less: Redis reads a queue's
   * control stream instead of its event stream when every event named is a control event.
   */
  readonly events?: readonly QueueEventName[];
}

/** Whether `event` passes a subscription's filter. */
export function wantsEvent(options: SubscribeOptions | undefined, event: QueueEventName): boolean {
  return options?.events === undefined || options.events.includes(event);
}

/** A live worker, as the registry lists it (`backend.listWorkers()`). Times are ms since epoch. */
export interface WorkerInfo {
  id: string;
  /** The worker's `name` option. */
  name: string;
  /** Queue names or topic patterns it consumes. */
  queues: string[];
  host: string;
  pid: number;
  concurrency: number;
  /** Jobs in hand at the last heartbeat. */
  active: number;
  startedAt: number;
  lastHeartbeat: number;
  /** When its fetch loop last completed a fetch, at the last heartbeat. */
  lastFetchAt?: number | undefined;
}

/** An event as it crosses processes. Fields beyond `event`, `queue` and `timestamp` depend on the event. */
export interface QueueEventRecord {
  event: QueueEventName;
  queue: string;
  timestamp: number;
  jobId?: string;
  name?: string;
  /** Previous state, when meaningful. */
  prev?: JobState;
  /** JSON text: the return value (completed) or progress (progress). */
  value?: string;
  failedReason?: string;
  attemptsMade?: number;
  /** For delayed/retrying: when the job becomes ready. */
  runAt?: number;
  /** For active: when the job became ready, so `timestamp - readyAt` is how long it waited. */
  readyAt?: number;
  /** For the end of a try (completed, retrying, failed from active): when it started, for its run time. */
  processedAt?: number;
  workerId?: string;
  /** For log: the line. */
  line?: string;
  /** For cleaned: how many. */
  count?: number;
  /** Set when `value` was too large for the backend's event channel: read it from the job. */
  truncated?: boolean;
}

/** A queue at a glance: what metrics scrapes and dashboards read, for many queues in one batched read. */
export interface QueueSnapshot {
  queue: string;
  /** Jobs per state, every state present. */
  counts: Record<JobState, number>;
  paused: boolean;
  /**
   * When the longest-waiting ready job became ready (ms since epoch), read from the front of each priority
   * level; undefined when nothing waits.
   */
  oldestWaitingSince: number | undefined;
}

/** Stops a subscription. */
export type Unsubscribe = () => Promise<void>;

/** A recurring job as a backend stores it; the public layer computes every time in it. */
export interface ScheduleRecord {
  queue: string;
  /** Unique per queue: `queue.schedule(key, …)` with a known key updates this schedule. */
  key: string;
  /** Fixed interval in ms, when not cron. */
  every: number | undefined;
  cron: string | undefined;
  /** IANA time zone for cron. */
  tz: string | undefined;
  /**
   * The timing as one string (pattern, time zone, start, end): an upsert with an equal signature keeps the
   * schedule's next run, so every process may call `schedule()` at boot without moving or repeating a slot.
   */
  signature: string;
  /** The job each slot adds: name, data as JSON text, resolved options. */
  name: string;
  data: string;
  opts: StoredJobOptions;
  /** Most slots to fire in all; unset for no limit. */
  limit: number | undefined;
  startDate: number | undefined;
  endDate: number | undefined;
  /** The next slot (ms since epoch); unset once the schedule has ended (limit or endDate reached). */
  nextRunAt: number | undefined;
  /** Slots fired so far. */
  count: number;
  paused: boolean;
  createdAt: number;
  updatedAt: number;
}

/**
 * Moves a schedule on from `slot`, atomically: while the schedule exists, is not paused and its `nextRunAt`
 * still equals `slot` (compare-and-set), set `nextRunAt`, count the slot when `counted`, and add the job of the
 * new `nextRunAt` slot (delayed until then; an existing id adds nothing).
 */
export interface ScheduleFire {
  queue: string;
  key: string;
  /** The slot being moved on from. */
  slot: number;
  /** The next slot; unset when the schedule ends. Equal to `slot` to re-make a missing slot job. */
  nextRunAt: number | undefined;
  /** The slot's job started (or ran): it counts toward the schedule's limit. */
  counted: boolean;
}
