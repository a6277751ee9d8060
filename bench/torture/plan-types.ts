// The plan of one torture run as data: which jobs exist, what each one's processor does on every try, when the
// producer adds them, and what it does to them later. The generator writes it, the producer and the worker
// processes act on it, and the model derives from it what the outcome must be.

/**
 * The run's queues: `main` takes most jobs, `side` holds flow parents and cross-queue dependants, `hold` has
 * no worker until `holdOpensAt`, so ttl jobs added to it provably expire, and `trim` holds the
 * removeOnComplete jobs: `removeOnComplete: true` trims the queue's whole completed set (documented:
 * "remove completed jobs"), so beside other jobs it would remove theirs too.
 */
export const QUEUE_ROLES = ["main", "side", "hold", "trim"] as const;

/** One of {@link QUEUE_ROLES}. */
export type QueueRole = (typeof QUEUE_ROLES)[number];

/** What the processor does on each try; travels in the job's data so any worker process can act on it. */
export interface Behaviour {
  /** How long the processor runs, in ms. */
  runMs: number;
  /** Throws an ordinary Error while `job.attemptsMade` is at most this (0: never throws). */
  failThrough: number;
  /** Throws UnrecoverableError once `job.attemptsMade` reaches this. */
  unrecoverableFrom?: number;
}

/** Why a job is in the plan; the model's expectations hang on it. */
export type PlanKind =
  | "plain"
  | "flaky"
  | "doomed"
  | "unrecoverable"
  | "delayed"
  | "ttl-long"
  | "ttl-expire"
  | "remove-on-complete"
  | "held-cancel"
  | "held-remove"
  | "gate"
  | "gated"
  | "flow-parent"
  | "flow-child"
  | "dependant";

/** The job options a plan may set (JSON-safe, so the plan can be printed). */
export interface PlannedOptions {
  attempts: number;
  backoff?: { type: "fixed" | "exponential"; delay: number };
  delay?: number;
  priority?: number;
  ttl?: number;
  removeOnComplete?: boolean;
  ignoreDependencyOnFailure?: boolean;
}

/** One job of the plan. */
export interface PlannedJob {
  /** The job id given to Warren (`jobId`), unique in the run. */
  id: string;
  kind: PlanKind;
  queue: QueueRole;
  behaviour: Behaviour;
  opts: PlannedOptions;
  /** Plan ids this job depends on (flow children, gates, earlier jobs). */
  dependsOn: string[];
}

/** One producer step: an atomic addBulk of jobs in one queue, or one FlowProducer.add. */
export type PlannedUnit =
  | { kind: "bulk"; at: number; queue: QueueRole; jobs: string[] }
  | { kind: "flow"; at: number; parent: string; children: string[] };

/** Something the producer does to a held job after adding it. */
export interface PlannedAction {
  at: number;
  kind: "cancel" | "remove" | "promote";
  target: string;
}

/** A schedule `every` ms, with slots from `startAt` to `endAt` (offsets from the run's start). */
export interface PlannedSchedule {
  key: string;
  every: number;
  startAt: number;
  endAt: number;
}

/** Everything one run does, with times as ms offsets from the run's start. */
export interface Plan {
  seed: number;
  jobs: Map<string, PlannedJob>;
  /** Producer steps in time order. */
  units: PlannedUnit[];
  actions: PlannedAction[];
  schedules: PlannedSchedule[];
  /** When the worker processes start taking jobs from the `hold` queue. */
  holdOpensAt: number;
  /** When the producer's last planned step is due. */
  addWindowMs: number;
}

/** A delay long enough that a job is held for the whole run, until the producer acts on it. */
export const HOLD_DELAY_MS = 3_600_000;
/** A ttl that no run outlasts: the job provably does not expire. */
export const LONG_TTL_MS = 3_600_000;
