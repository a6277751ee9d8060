// Queue options: the public shape, defaults in one place, and the resolved frozen form.
import type { Backend } from "../backend/contract.js";
import { DEFAULT_MAX_PAYLOAD_BYTES } from "../core/serializer.js";
import { ValidationError } from "../errors/warren-error.js";
import type { Logger } from "../logging/logger.js";
import { resolveLogger } from "../logging/logger-option.js";
import { validateJobOptions, type JobOptions } from "../model/job-options.js";

/** Options for a {@link Queue}. */
export interface QueueOptions {
  /** The backend that stores the queue's jobs (see `createBackend`). */
  backend: Backend;
  /** Options applied to every job unless the job overrides them. @defaultValue {} */
  defaultJobOptions?: JobOptions;
  /** Largest job data, in bytes of JSON. @defaultValue 1 MiB */
  maxPayloadBytes?: number;
  /** Where the handle logs (any pino-compatible logger). @defaultValue the backend's logger */
  logger?: Logger;
}

/** QueueOptions after validation; nothing optional. */
export interface ResolvedQueueOptions {
  readonly backend: Backend;
  readonly defaultJobOptions: Readonly<JobOptions>;
  readonly maxPayloadBytes: number;
  readonly logger: Logger;
}

const QUEUE_OPTION_KEYS = new Set(["backend", "defaultJobOptions", "maxPayloadBytes", "logger"]);

/** Validates queue options once, at construction. */
export function resolveQueueOptions(options: QueueOptions): ResolvedQueueOptions {
  assertBackend(options, "Queue");
  for (const key of Object.keys(options)) {
    if (!QUEUE_OPTION_KEYS.has(key)) {
      throw new ValidationError(
        "INVALID_OPTION",
        `unknown queue option ${key}; allowed: ${[...QUEUE_OPTION_KEYS].join(", ")}`,
      );
    }
  }
  const maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  if (!Number.isInteger(maxPayloadBytes) || maxPayloadBytes < 1) {
    throw new ValidationError(
      "INVALID_OPTION",
      `maxPayloadBytes must be a positive integer number of bytes (got ${String(maxPayloadBytes)})`,
    );
  }
  const defaults = validateJobOptions(options.defaultJobOptions, "defaultJobOptions");
  if (defaults.jobId !== undefined || defaults.dependsOn !== undefined) {
    throw new ValidationError(
      "INVALID_OPTION",
      "defaultJobOptions cannot set jobId or dependsOn; they belong to one job",
    );
  }
  return Object.freeze({
    backend: options.backend,
    defaultJobOptions: Object.freeze(defaults),
    maxPayloadBytes,
    logger: resolveLogger(options.logger, options.backend.logger, "Queue"),
  });
}

/** Throws unless `options.backend` looks like a Backend. */
export function assertBackend(options: unknown, what: string): asserts options is { backend: Backend } {
  const backend = (options as { backend?: Partial<Backend> } | undefined)?.backend;
  if (!backend || typeof backend.enqueue !== "function" || typeof backend.fetch !== "function") {
    throw new ValidationError(
      "INVALID_OPTION",
      `${what} needs { backend }: create one with createBackend(url) or new MemoryBackend()`,
    );
  }
}
