// The single seam: Queue, Worker, QueueEvents and every tool above them speak only this interface.
// Operations are coarse, atomic inside the backend, and batched, so hot paths cost one round-trip per batch.
import type { Lock, LockOptions, LockPrimitives } from "../locks/lock.js";
import type { Clock } from "../core/clock.js";
import type { Logger } from "../logging/logger.js";
import type { JobState } from "../model/job-state.js";
import type { BackendCapabilities } from "./capabilities.js";
import type { DeadLetterOperations } from "./dead-letter-records.js";
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

/** Receives one EventBus message: its topic and its JSON payload. */
export type MessageListener = (topic: string, payload: string) => void;

/** Result of asking to cancel a job. */
export type CancelResult =
  /** The job was waiting, delayed or waiting for children and is now cancelled. */
  | "cancelled"
  /** The job is active: its worker was asked to abort it and will record it cancelled. */
  | "requested"
  /** The job had already finished; nothing changed. */
  | "finished"
  | "not-found";

/**
 * A storage and delivery engine for jobs: a {@link JobStore}'s state operations plus fetching. One backend
 * object may serve many Queue/Worker/QueueEvents handles. Every backend is a ComposedBackend (one store, one
 * delivery); see docs/contributing/backend-semantics.md.
 */
export interface Backend extends StateOperations, DeadLetterOperations {
  /** Short name for logs (`memory`, `redis`, `postgres`, `amqp+redis`). */
  readonly kind: string;
  readonly capabilities: BackendCapabilities;
  /**
   * The `messaging.system` attribute of the backend's spans, as OpenTelemetry's conventions name it: `rabbitmq`
   * on the AMQP transport, else the store's `redis` or `postgresql`, and `warren` for memory.
   */
  readonly messagingSystem: string;

  /**
   * Takes the named lock for `ttl` ms, trying for up to `wait` ms; throws LockError LOCK_HELD when it stays
   * held. Cross-process on every backend but memory. Implementations call {@link acquireLock}.
   */
  lock(key: string, options: LockOptions): Promise<Lock>;

  /**
   * Claims up to `max` ready jobs from unpaused queues matching `queues`, highest priority first and FIFO
   * within a priority, marking each active under a fresh lock token. Waits (without busy polling) until at
   * least one job is claimable, `blockMs` passes, or the signal aborts; then resolves, possibly empty.
   * Jobs whose ttl ran out are expired instead of returned. Honours `limiter` across every worker.
   */
  fetch(request: FetchRequest): Promise<JobRecord[]>;

  /**
   * A worker stopped fetching for good (it is closing): release what the backend holds for it — consumers,
   * prefetched messages, blocking connections — so other workers get its share at once.
   */
  releaseWorker(workerId: string): Promise<void>;
}

/**
 * What a backend does with job state, whatever delivers its jobs: the operations a {@link Backend} and a
 * JobStore share. Each is atomic inside the store.
 */
export interface StateOperations extends LockPrimitives {
  /** Registers or refreshes a worker; it is listed until `ttlMs` after this heartbeat unless refreshed. */
  heartbeatWorker(info: WorkerInfo, ttlMs: number): Promise<void>;
  /** Removes a worker's registration (on close). */
  deregisterWorker(id: string): Promise<void>;
  /** Workers whose last heartbeat is within its ttl, oldest first; stale registrations are dropped. */
  listWorkers(): Promise<WorkerInfo[]>;

  /** Delivers an EventBus message to every live subscriber whose pattern matches `topic`. */
  publishMessage(topic: string, payload: string): Promise<void>;
  /** Receives EventBus messages whose topic matches `pattern`; resolves once every later message arrives. */
  subscribeMessages(pattern: string, listener: MessageListener): Promise<Unsubscribe>;

  /** The clock every handle on this backend uses. */
  readonly clock: Clock;
  /** Where this backend logs; handles on it log here (with their own bindings) unless given a logger. */
  readonly logger: Logger;

  /**
   * Stores records, all or none. A record whose id exists, or whose dedupe key is held by a pending job,
   * returns that job with `created: false`. Each new record goes to waiting, delayed (runAt in the future)
   * or waiting-children (unmet dependencies). Emits `added` and the entry state's event.
   */
  enqueue(records: NewJobRecord[]): Promise<EnqueueResult[]>;

  /** Renews the leases of active jobs. Returns the locks that are no longer held (stalled, cancelled, gone). */
  extendLocks(locks: LockRef[], lockMs: number): Promise<LockRef[]>;

  /**
   * Records the outcomes of finished tries, one status per outcome in order. An outcome whose lock token is
   * not current is refused with `lock-lost` and changes nothing. Applies retention, releases dependants.
   */
  finish(outcomes: Outcome[]): Promise<FinishStatus[]>;

  /**
   * One maintenance pass over a queue at time `now`: promotes due delayed jobs, recovers jobs whose lease
   * expired (back to waiting, or failed past their stall budget), expires ttl jobs, applies age retention.
   */
  maintain(queue: string, now: number): Promise<MaintenanceReport>;

  // ---- schedules (materialised by the maintenance leader; see src/schedules) ----
  /**
   * Creates or updates the schedule `(queue, key)`, atomically. An existing schedule keeps its count,
   * paused flag and creation time; it also keeps its next run when the signature is unchanged.
   */
  upsertSchedule(schedule: ScheduleRecord): Promise<ScheduleRecord>;
  /** The queue's schedules, ordered by key. */
  listSchedules(queue: string): Promise<ScheduleRecord[]>;
  /** Deletes a schedule; jobs it already added stay. Returns false when it did not exist. */
  removeSchedule(queue: string, key: string): Promise<boolean>;
  /** Pauses or resumes a schedule, setting its next run. Returns undefined when it does not exist. */
  setSchedulePaused(
    queue: string,
    key: string,
    paused: boolean,
    nextRunAt: number | undefined,
  ): Promise<ScheduleRecord | undefined>;
  /**
   * Fires one slot: when the schedule exists, is not paused and its next run equals `slot`, adds the job
   * (an existing id adds nothing), counts the slot and sets the next run — all or nothing. Returns whether
   * it fired; false means another process fired or changed it first.
   */
  fireSchedule(fire: ScheduleFire): Promise<boolean>;

  // ---- admin and read ----
  getJob(queue: string, id: string): Promise<JobRecord | undefined>;
  listJobs(queue: string, query: ListQuery): Promise<JobRecord[]>;
  /**
   * Jobs whose id, name, failed reason or data contains `query.text`, case-insensitively, newest first. Bounded:
   * examines at most `query.scanLimit` jobs of the states asked (the newest ones; on Redis the newest of each
   * state's index) and says whether it stopped there. An unknown queue finds nothing.
   */
  searchJobs(queue: string, query: SearchQuery): Promise<SearchResult>;
  /** Count per state; every requested state is present in the result. */
  countJobs(queue: string, states: JobState[]): Promise<Record<JobState, number>>;
  /**
   * Counts, pause flag and longest wait of each queue named, in order, in one batched read: a metrics
   * scrape or a dashboard overview costs one call whatever the number of queues. An unknown queue reads empty.
   */
  snapshotQueues(queues: string[]): Promise<QueueSnapshot[]>;
  /** Removes a job that is not active. Returns false when it did not exist. Throws ConflictError if active. */
  removeJob(queue: string, id: string): Promise<boolean>;
  cancelJob(queue: string, id: string, reason: string): Promise<CancelResult>;
  /** Moves a failed, cancelled or expired job back to waiting with a fresh attempt budget. */
  retryJob(queue: string, id: string): Promise<JobRecord>;
  /** Moves a delayed job to waiting now. */
  promoteJob(queue: string, id: string): Promise<JobRecord>;
  /**
   * Stores progress (JSON text) and emits `progress`. With a token (a worker's call) it is refused with
   * `lock-lost` when that lock is no longer current; without one (an admin's call) it always applies.
   */
  updateProgress(
    queue: string,
    id: string,
    token: string | undefined,
    progress: string,
  ): Promise<FinishStatus>;
  /** Appends a log line to a job. */
  addLog(queue: string, id: string, line: string): Promise<number>;
  getLogs(
    queue: string,
    id: string,
    offset: number,
    limit: number,
  ): Promise<{ logs: string[]; count: number }>;
  /** Removes up to `limit` jobs in `state` that finished (or were created, for pending states) before `before`. */
  clean(queue: string, state: JobState, before: number, limit: number): Promise<string[]>;
  /** Removes waiting jobs (and delayed ones when asked). Active jobs are left to finish. */
  drain(queue: string, includeDelayed: boolean): Promise<number>;
  /** Removes every trace of a queue. Refuses while jobs are active unless `force`. */
  obliterate(queue: string, force: boolean): Promise<void>;
  pause(queue: string): Promise<void>;
  resume(queue: string): Promise<void>;
  isPaused(queue: string): Promise<boolean>;
  listQueues(): Promise<string[]>;

  // ---- events ----
  /**
   * Delivers every event of queues matching `queue` (a name or a topic pattern) to `listener`, or only the
   * events `options.events` names.
   */
  subscribe(
    queue: string,
    listener: (event: QueueEventRecord) => void,
    options?: SubscribeOptions,
  ): Promise<Unsubscribe>;

  /** Resolves when the backend can serve requests; throws BackendUnavailableError otherwise. */
  ping(): Promise<void>;
  /** Releases connections and timers. Idempotent. */
  close(): Promise<void>;
}
