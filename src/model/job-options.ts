// Job options: the public shape, its strict schema, and the one place defaults are applied. Model layer: the
// handles, the schedules and AMQP's adoption of foreign messages share it; it imports nothing above core/.
import { z } from "zod";
import type { RetentionPolicy, StoredBackoff, StoredJobOptions } from "./job-record.js";
import { assertQueueName } from "../core/topic-pattern.js";
import { ValidationError } from "../errors/warren-error.js";
import { zodIssueMessage } from "../core/zod-message.js";

/** Backoff between tries: a fixed delay in ms, a built-in type, or the name of a worker's custom strategy. */
export type BackoffOptions =
  | number
  | {
      /** `fixed`, `exponential`, or the name of a strategy in the worker's `backoffStrategies`. */
      type: string;
      /** Base delay in ms. @defaultValue 1000 */
      delay?: number;
      /** Upper bound for exponential delays in ms. @defaultValue none */
      maxDelay?: number;
      /** Fraction 0–1 of the delay to randomise downwards, to spread retry storms. @defaultValue 0 */
      jitter?: number;
    };

/** Options for one job. Every field is optional; docs/reference/job-options.md lists them with their defaults. */
export interface JobOptions {
  /** Caller-chosen id; adding an id that exists returns the existing job. @defaultValue a UUID v7 */
  jobId?: string;
  /** Run no earlier than now + delay (ms). @defaultValue 0 */
  delay?: number;
  /** Run no earlier than this time. @defaultValue now */
  runAt?: Date | number;
  /** 1 (most urgent) … 10 (least); lower runs sooner. @defaultValue 5 */
  priority?: number;
  /** Total tries before the job fails for good. @defaultValue 1 */
  attempts?: number;
  /** Delay between tries. @defaultValue 0 */
  backoff?: BackoffOptions;
  /** A try running longer than this (ms) is aborted and counts as failed. @defaultValue none */
  timeout?: number;
  /** A job not started within ttl ms of becoming ready ends `expired`. @defaultValue none */
  ttl?: number;
  /** Job ids (same queue) or `queue:id` references that must complete first. @defaultValue none */
  dependsOn?: string | string[];
  /** While a pending job holds this key (or within ttl ms of its creation), adds return it. @defaultValue none */
  dedupe?: { key: string; ttl?: number };
  /** Remove completed jobs: `true`, keep the newest N, or `{ age, count }`. @defaultValue false (keep) */
  removeOnComplete?: RetentionPolicy;
  /** Remove failed jobs, like removeOnComplete. @defaultValue false (keep) */
  removeOnFail?: RetentionPolicy;
  /** When this job fails for good, its dependants fail too; false lets them run anyway. @defaultValue true */
  failParentOnFailure?: boolean;
  /**
   * When this job fails for good, its dependants run anyway and can read the failure with
   * `job.getChildrenFailures()`. The same as `failParentOnFailure: false`. @defaultValue false
   */
  ignoreDependencyOnFailure?: boolean;
  /**
   * The fairness group (a tenant, a customer): ready jobs are served round-robin across groups, and a
   * worker's `groupLimits` cap each group, so one group's burst cannot starve the others. @defaultValue none
   */
  group?: { id: string };
}

/** Defaults, in one place. */
export const DEFAULT_PRIORITY = 5;
export const DEFAULT_ATTEMPTS = 1;
export const DEFAULT_BACKOFF_DELAY_MS = 1000;
const MAX_ID_LENGTH = 256;
const PRIORITY_MESSAGE = "priority must be an integer 1–10; 1 runs first";

const nonNegativeMs = (key: string) =>
  z
    .number({ error: `${key} must be a number of milliseconds` })
    .finite({ error: `${key} must be finite` })
    .min(0, { error: `${key} must be >= 0 (ms)` });

const retention = (key: string) =>
  z.union(
    [
      z.boolean(),
      z.number().int().min(0),
      z.strictObject({
        age: nonNegativeMs(`${key}.age`).optional(),
        count: z.number().int().min(0).optional(),
      }),
    ],
    { error: `${key} must be true, false, a count of jobs to keep, or { age, count }` },
  );

const backoffSchema = z.union(
  [
    nonNegativeMs("backoff"),
    z.strictObject({
      type: z.string().min(1),
      delay: nonNegativeMs("backoff.delay").optional(),
      maxDelay: nonNegativeMs("backoff.maxDelay").optional(),
      jitter: z.number().min(0).max(1).optional(),
    }),
  ],
  {
    error:
      "backoff must be a delay in ms or { type: 'fixed' | 'exponential' | <custom name>, delay?, maxDelay?, jitter? (0–1) }",
  },
);

/** The strict schema: unknown keys are rejected. */
export const jobOptionsSchema = z.strictObject({
  jobId: z
    .string({ error: "jobId must be a string" })
    .min(1, { error: "jobId must not be empty" })
    .max(MAX_ID_LENGTH, { error: `jobId must be at most ${MAX_ID_LENGTH} characters` })
    .optional(),
  delay: nonNegativeMs("delay").optional(),
  runAt: z
    .union([z.date(), z.number().finite()], { error: "runAt must be a Date or a time in ms since the epoch" })
    .optional(),
  priority: z
    .number({ error: PRIORITY_MESSAGE })
    .int({ error: PRIORITY_MESSAGE })
    .min(1, { error: PRIORITY_MESSAGE })
    .max(10, { error: PRIORITY_MESSAGE })
    .optional(),
  attempts: z
    .number({ error: "attempts must be a number" })
    .int({ error: "attempts must be an integer" })
    .min(1, { error: "attempts must be >= 1 (1 means no retries)" })
    .optional(),
  backoff: backoffSchema.optional(),
  timeout: z
    .number({ error: "timeout must be a number of milliseconds" })
    .finite()
    .positive({ error: "timeout must be > 0 ms" })
    .optional(),
  ttl: z
    .number({ error: "ttl must be a number of milliseconds" })
    .finite()
    .positive({ error: "ttl must be > 0 ms" })
    .optional(),
  dependsOn: z
    .union([z.string().min(1), z.array(z.string().min(1))], {
      error: "dependsOn must be a job id, a 'queue:id' reference, or an array of them",
    })
    .optional(),
  dedupe: z
    .strictObject(
      { key: z.string().min(1), ttl: nonNegativeMs("dedupe.ttl").optional() },
      { error: "dedupe must be { key: string, ttl?: ms }" },
    )
    .optional(),
  removeOnComplete: retention("removeOnComplete").optional(),
  removeOnFail: retention("removeOnFail").optional(),
  failParentOnFailure: z.boolean({ error: "failParentOnFailure must be a boolean" }).optional(),
  ignoreDependencyOnFailure: z.boolean({ error: "ignoreDependencyOnFailure must be a boolean" }).optional(),
  group: z
    .strictObject(
      {
        id: z
          .string({ error: "group.id must be a string" })
          .min(1, { error: "group.id must not be empty" })
          .max(MAX_ID_LENGTH, { error: `group.id must be at most ${MAX_ID_LENGTH} characters` }),
      },
      { error: "group must be { id: string }" },
    )
    .optional(),
});

/** Checks job options; throws ValidationError (INVALID_OPTION) naming the key and what is allowed. */
export function validateJobOptions(opts: unknown, where = "job options"): JobOptions {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
    throw new ValidationError("INVALID_OPTION", `${where} must be an object (got ${JSON.stringify(opts)})`);
  }
  const result = jobOptionsSchema.safeParse(opts);
  if (!result.success) {
    throw new ValidationError("INVALID_OPTION", `invalid ${where}: ${zodIssueMessage(result.error, opts)}`, {
      details: { issues: result.error.issues.map((issue) => issue.message) },
    });
  }
  if (result.data.ignoreDependencyOnFailure && result.data.failParentOnFailure) {
    throw new ValidationError(
      "INVALID_OPTION",
      `invalid ${where}: failParentOnFailure and ignoreDependencyOnFailure contradict each other; set one`,
    );
  }
  return result.data;
}

/** The resolved form the backend stores, plus the id and run time. */
export interface ResolvedJob {
  id: string | undefined;
  runAt: number;
  stored: StoredJobOptions;
}

/** Merges validated options over validated defaults and applies Warren's defaults. */
export function resolveJobOptions(
  opts: JobOptions,
  defaults: JobOptions,
  queueName: string,
  now: number,
): ResolvedJob {
  const merged: JobOptions = { ...defaults, ...opts };
  const delay = merged.delay ?? 0;
  const runAt =
    merged.runAt !== undefined
      ? Math.max(now, merged.runAt instanceof Date ? merged.runAt.getTime() : merged.runAt)
      : now + delay;
  return {
    id: opts.jobId,
    runAt,
    stored: {
      priority: merged.priority ?? DEFAULT_PRIORITY,
      attempts: merged.attempts ?? DEFAULT_ATTEMPTS,
      backoff: resolveBackoff(merged.backoff),
      timeout: merged.timeout,
      ttl: merged.ttl,
      removeOnComplete: merged.removeOnComplete ?? false,
      removeOnFail: merged.removeOnFail ?? false,
      dedupe: merged.dedupe ? { key: merged.dedupe.key, ttl: merged.dedupe.ttl } : undefined,
      dependsOn: resolveDependencies(opts.dependsOn, queueName),
      failParentOnFailure: merged.ignoreDependencyOnFailure ? false : (merged.failParentOnFailure ?? true),
      ...(merged.group ? { group: merged.group.id } : {}),
      delay: Math.max(0, runAt - now),
    },
  };
}

function resolveBackoff(backoff: BackoffOptions | undefined): StoredBackoff | undefined {
  if (backoff === undefined) return undefined;
  if (typeof backoff === "number")
    return backoff > 0 ? { type: "fixed", delay: backoff, jitter: 0 } : undefined;
  const delay = backoff.delay ?? DEFAULT_BACKOFF_DELAY_MS;
  const jitter = backoff.jitter ?? 0;
  if (backoff.type === "fixed") return { type: "fixed", delay, jitter };
  if (backoff.type === "exponential")
    return { type: "exponential", delay, maxDelay: backoff.maxDelay, jitter };
  return { type: "custom", name: backoff.type, delay };
}

/** Turns `id` and `queue:id` references into fully qualified `queue:id` strings. */
export function resolveDependencies(dependsOn: string | string[] | undefined, queueName: string): string[] {
  if (dependsOn === undefined) return [];
  const refs = Array.isArray(dependsOn) ? dependsOn : [dependsOn];
  return refs.map((ref) => {
    const colon = ref.indexOf(":");
    if (colon < 0) return `${queueName}:${ref}`;
    const queue = ref.slice(0, colon);
    try {
      assertQueueName(queue);
    } catch {
      // Not a queue prefix: the whole string is an id in this queue.
      return `${queueName}:${ref}`;
    }
    return ref;
  });
}
