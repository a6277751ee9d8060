// Worker options: public shape, defaults in one place, validated once into a frozen resolved form.
import { z } from "zod";
import type { Backend } from "../backend/contract.js";
import type { GroupLimits, RateLimit } from "../backend/records.js";
import type { BackoffStrategy } from "../model/backoff.js";
import { zodIssueMessage } from "../core/zod-message.js";
import { ValidationError } from "../errors/warren-error.js";
import type { Logger } from "../logging/logger.js";
import { loggerOption } from "../logging/logger-option.js";
import { assertBackend } from "../queue/queue-options.js";

/** Options for a {@link Worker}. */
export interface WorkerOptions {
  /** The backend to take jobs from. */
  backend: Backend;
  /** Most jobs this worker runs at once. @defaultValue 1 */
  concurrency?: number;
  /** At most `max` job starts per `duration` ms, across every worker of the queue. @defaultValue none */
  limiter?: RateLimit;
  /**
   * Caps for each fairness group (jobs added with `opts.group`), across every worker of the queue: at most
   * `concurrency` of one group's jobs active at once, at most `limiter.max` started per `limiter.duration`.
   * Give every worker of a queue the same value. @defaultValue none (groups are still served round-robin)
   */
  groupLimits?: { concurrency?: number; limiter?: RateLimit };
  /** Lease on a running job, renewed every lockDuration/2 while it runs. @defaultValue 30000 */
  lockDuration?: number;
  /** Times a job may stall (its worker died) before it fails. @defaultValue 1 */
  maxStalledCount?: number;
  /** Start processing at construction. @defaultValue true */
  autorun?: boolean;
  /** A name for logs and the worker registry. @defaultValue "worker" */
  name?: string;
  /** Custom backoff strategies by name, used by jobs with `backoff: { type: name }`. @defaultValue {} */
  backoffStrategies?: Record<string, BackoffStrategy>;
  /** How often this worker runs queue maintenance (delays, stalled jobs, ttl, retention). @defaultValue 5000 */
  maintenanceInterval?: number;
  /** Longest a single fetch waits on the backend before looping. @defaultValue 5000 */
  blockMs?: number;
  /**
   * Where the worker logs (any pino-compatible logger); records carry `queue` and `workerId`.
   * @defaultValue the backend's logger
   */
  logger?: Logger;
}

/** WorkerOptions after validation. */
export interface ResolvedWorkerOptions {
  readonly backend: Backend;
  readonly concurrency: number;
  readonly limiter: RateLimit | undefined;
  readonly groupLimits: GroupLimits | undefined;
  readonly lockDuration: number;
  readonly maxStalledCount: number;
  readonly autorun: boolean;
  readonly name: string;
  readonly backoffStrategies: Readonly<Record<string, BackoffStrategy>>;
  readonly maintenanceInterval: number;
  readonly blockMs: number;
  readonly logger: Logger;
}

export const DEFAULT_LOCK_MS = 30_000;
export const DEFAULT_MAINTENANCE_INTERVAL_MS = 5_000;
export const DEFAULT_BLOCK_MS = 5_000;
const MIN_LOCK_MS = 100;

/** `{ max, duration }` with messages that name where it sits (`limiter`, `groupLimits.limiter`). */
const rateLimitSchema = (key: string) =>
  z.strictObject(
    {
      max: z
        .number()
        .int()
        .min(1, { error: `${key}.max must be an integer >= 1` }),
      duration: z
        .number()
        .int()
        .min(1, { error: `${key}.duration must be >= 1 ms` }),
    },
    { error: `${key} must be { max, duration }` },
  );

const workerOptionsSchema = z.strictObject({
  backend: z.custom<Backend>(() => true),
  concurrency: z
    .number()
    .int()
    .min(1, { error: "concurrency must be an integer >= 1" })
    .max(10_000, { error: "concurrency must be at most 10000" })
    .optional(),
  limiter: rateLimitSchema("limiter").optional(),
  groupLimits: z
    .strictObject(
      {
        concurrency: z
          .number()
          .int()
          .min(1, { error: "groupLimits.concurrency must be an integer >= 1" })
          .optional(),
        limiter: rateLimitSchema("groupLimits.limiter").optional(),
      },
      { error: "groupLimits must be { concurrency?, limiter? }" },
    )
    .optional(),
  lockDuration: z
    .number()
    .int()
    .min(MIN_LOCK_MS, { error: `lockDuration must be >= ${MIN_LOCK_MS} ms` })
    .optional(),
  maxStalledCount: z.number().int().min(0, { error: "maxStalledCount must be an integer >= 0" }).optional(),
  autorun: z.boolean().optional(),
  name: z.string().min(1).max(200).optional(),
  backoffStrategies: z
    .record(
      z.string(),
      z.custom<BackoffStrategy>((value) => typeof value === "function", {
        error: "backoffStrategies values must be functions (attemptsMade, error) => delay ms",
      }),
    )
    .optional(),
  maintenanceInterval: z.number().int().min(10, { error: "maintenanceInterval must be >= 10 ms" }).optional(),
  blockMs: z.number().int().min(1, { error: "blockMs must be >= 1 ms" }).optional(),
  logger: loggerOption,
});

/** Validates worker options once, at construction. */
export function resolveWorkerOptions(options: WorkerOptions): ResolvedWorkerOptions {
  assertBackend(options, "Worker");
  const result = workerOptionsSchema.safeParse(options);
  if (!result.success) {
    throw new ValidationError(
      "INVALID_OPTION",
      `invalid worker options: ${zodIssueMessage(result.error, options)}`,
    );
  }
  return Object.freeze({
    backend: options.backend,
    concurrency: options.concurrency ?? 1,
    limiter: options.limiter ? { ...options.limiter } : undefined,
    groupLimits: options.groupLimits
      ? {
          concurrency: options.groupLimits.concurrency,
          limiter: options.groupLimits.limiter ? { ...options.groupLimits.limiter } : undefined,
        }
      : undefined,
    lockDuration: options.lockDuration ?? DEFAULT_LOCK_MS,
    maxStalledCount: options.maxStalledCount ?? 1,
    autorun: options.autorun ?? true,
    name: options.name ?? "worker",
    backoffStrategies: Object.freeze({ ...options.backoffStrategies }),
    maintenanceInterval: options.maintenanceInterval ?? DEFAULT_MAINTENANCE_INTERVAL_MS,
    blockMs: options.blockMs ?? DEFAULT_BLOCK_MS,
    logger: options.logger ?? options.backend.logger,
  });
}
