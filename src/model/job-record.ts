// A job's stored form: its resolved options, the record the public layer builds and the one a backend keeps.
// Model layer: the handles and every backend share it, so it imports nothing above core/, errors/ and tracing/.
import type { TraceContext } from "../tracing/trace-context.js";
import type { JobState } from "./job-state.js";

/** How long to keep a finished job: `true` removes at once, a number keeps the newest N, or by age and count. */
export type RetentionPolicy = boolean | number | { age?: number; count?: number };

/** Backoff as stored with the job: resolved by the public layer at add time. */
export type StoredBackoff =
  | { type: "fixed"; delay: number; jitter: number }
  | { type: "exponential"; delay: number; maxDelay: number | undefined; jitter: number }
  | { type: "custom"; name: string; delay: number };

/** The per-job settings a backend needs, stored with the job. All defaults already applied. */
export interface StoredJobOptions {
  priority: number;
  attempts: number;
  backoff: StoredBackoff | undefined;
  timeout: number | undefined;
  ttl: number | undefined;
  removeOnComplete: RetentionPolicy;
  removeOnFail: RetentionPolicy;
  dedupe: { key: string; ttl: number | undefined } | undefined;
  /** Dependencies as fully qualified `queue:id` references. */
  dependsOn: string[];
  failParentOnFailure: boolean;
  /** The fairness group (tenant) the job belongs to: ready jobs are served round-robin across groups. */
  group?: string | undefined;
  /** What the caller passed for `delay`/`runAt`, kept for display. */
  delay: number;
  /** Set on a schedule's slot jobs: the schedule's key. The worker that starts one advances the schedule. */
  schedule?: string | undefined;
}

/** A job as the public layer hands it to `enqueue`. */
export interface NewJobRecord {
  id: string;
  queue: string;
  name: string;
  /** The job's data as JSON text (validated and size-checked by the public layer). */
  data: string;
  opts: StoredJobOptions;
  createdAt: number;
  /** Run no earlier than this time (ms since epoch). Equal to createdAt when not delayed. */
  runAt: number;
  /** A flow child's parent: the job that waits on it (set by FlowProducer; an operator's way back up the tree). */
  parent?: { queue: string; id: string } | undefined;
  /**
   * The W3C trace context of the span that added the job (set when the producer traces with OpenTelemetry, or
   * taken from a foreign AMQP message's headers): every try's span is its child.
   */
  trace?: TraceContext | undefined;
}

/** A job as a backend stores and returns it. */
export interface JobRecord extends NewJobRecord {
  state: JobState;
  attemptsMade: number;
  stalledCount: number;
  /** Latest progress as JSON text, or undefined. */
  progress: string | undefined;
  /** The processor's result as JSON text, once completed. */
  returnValue: string | undefined;
  failedReason: string | undefined;
  stacktrace: string[];
  /** When the job last became ready to run (for ttl). */
  readyAt: number | undefined;
  processedAt: number | undefined;
  finishedAt: number | undefined;
  workerId: string | undefined;
  /** Set while active: the current lease. */
  lockToken: string | undefined;
  lockExpiresAt: number | undefined;
  /** Set when a cancel was asked for while the job was active. */
  cancelRequested: boolean;
}
