// AMQP options: the public shape, the defaults in one place, validated once (at construction) into a frozen
// resolved form. Unknown keys are refused: a misspelt `prefetc` used to be ignored without a word.
import type * as amqp from "amqplib";
import { z } from "zod";
import type { Clock } from "../../core/clock.js";
import { zodIssueMessage } from "../../core/zod-message.js";
import { ValidationError } from "../../errors/warren-error.js";
import { defaultLogger } from "../../logging/default-logger.js";
import type { Logger } from "../../logging/logger.js";
import { loggerSchema } from "../../logging/logger-option.js";
import { troubleReporter } from "../../logging/trouble-reporter.js";
import type { JobStore } from "../job-store.js";
import { assertDriverUrl } from "../url-options.js";
import { AMQP_QUEUE_TYPES, type AmqpQueueType } from "./topology.js";

/** Options for AmqpDelivery (AmqpBackend's, without its store). */
export interface AmqpDeliveryOptions {
  /** `amqp://user:pass@host:5672/vhost` or `amqps://…`. @defaultValue none (required) */
  url: string;
  /** Most unacked deliveries per worker. @defaultValue twice the worker's concurrency (at most 500) */
  prefetch?: number;
  /** `classic` (with priorities) or `quorum` (replicated, with a delivery limit). @defaultValue "classic" */
  queueType?: AmqpQueueType;
  /** Prefix of every exchange and queue name. @defaultValue "warren" */
  exchange?: string;
  /** TLS options passed to the client for `amqps://` (ca, cert, key, …). @defaultValue none */
  tls?: amqp.SocketOptions;
  /**
   * Once the broker was reached, how long producer calls wait for it during an outage before the outbox takes
   * over. @defaultValue 5000
   */
  publishTimeoutMs?: number;
  /**
   * Reconciliation: a job the store holds as waiting for this long, while its broker queue has no ready
   * message, is published again (its delivery was lost; a duplicate is harmless). @defaultValue 30000
   */
  redeliverAfterMs?: number;
  /**
   * Bound of each connection attempt and of the first connection: until the broker was reached once, `add` and
   * worker fetches wait at most this long, then fail (nothing stored). @defaultValue 10000
   */
  connectTimeoutMs?: number;
  /**
   * Where the transport logs (any pino-compatible logger).
   * @defaultValue AmqpBackend: its store's logger; else pino to stderr at WARREN_LOG_LEVEL
   */
  logger?: Logger;
  /**
   * Reports connection trouble (already redacted).
   * @defaultValue a warning through `logger`, at debug when the same trouble repeats within a minute
   */
  onError?: (error: Error) => void;
  /** The connection's name in the broker's management UI. @defaultValue "warren-<pid>" */
  connectionName?: string;
}

/** Options for AmqpBackend. */
export interface AmqpBackendOptions extends AmqpDeliveryOptions {
  /** Where job state lives: MemoryStore, RedisStore or PostgresStore. @defaultValue none (required) */
  store: JobStore;
}

/** AmqpDeliveryOptions after validation, defaults applied. */
export interface ResolvedAmqpDeliveryOptions {
  readonly url: string;
  /** The prefetch of a worker's consumer, given the size of its first fetch: the option, else derived. */
  readonly prefetchFor: (firstFetchMax: number) => number;
  readonly queueType: AmqpQueueType;
  readonly exchange: string;
  readonly tls: Readonly<amqp.SocketOptions>;
  readonly publishTimeoutMs: number;
  readonly redeliverAfterMs: number;
  readonly connectTimeoutMs: number;
  readonly logger: Logger;
  readonly onError: (error: Error) => void;
  readonly connectionName: string;
}

/** See {@link AmqpDeliveryOptions.connectTimeoutMs}. */
export const DEFAULT_AMQP_CONNECT_TIMEOUT_MS = 10_000;

/** The defaulted options: every optional one but `prefetch`, which is derived ({@link derivedPrefetch}). */
export type AmqpDefaults = Readonly<Required<Omit<AmqpDeliveryOptions, "url" | "prefetch" | "onError">>>;

/** The default of each option, in one place; the schema below applies them. */
export const AMQP_DEFAULTS: AmqpDefaults = Object.freeze({
  queueType: "classic",
  exchange: "warren",
  tls: Object.freeze({}),
  publishTimeoutMs: 5_000,
  redeliverAfterMs: 30_000,
  connectTimeoutMs: DEFAULT_AMQP_CONNECT_TIMEOUT_MS,
  logger: defaultLogger(),
  connectionName: `warren-${process.pid}`,
});

const MIN_DERIVED_PREFETCH = 2;
const MAX_DERIVED_PREFETCH = 500;
/** AMQP's prefetch count is a 16-bit field. */
const MAX_PREFETCH = 65_535;
/** Past this, Node's timers fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * A worker's first fetch asks for half its concurrency (see FetchLoop): prefetch twice the concurrency, within
 * bounds.
 */
export function derivedPrefetch(firstFetchMax: number): number {
  return Math.min(MAX_DERIVED_PREFETCH, Math.max(MIN_DERIVED_PREFETCH, firstFetchMax * 4));
}

const positiveMs = (key: string) =>
  z
    .number()
    .int({ error: `${key} must be a whole number of ms` })
    .min(1, { error: `${key} must be >= 1 ms` });

const timerMs = (key: string) =>
  positiveMs(key).max(MAX_TIMER_MS, { error: `${key} must be at most ${MAX_TIMER_MS} ms` });

const amqpDeliveryOptionsSchema = z.strictObject({
  url: z.string(),
  prefetch: z
    .number()
    .int({ error: "prefetch must be a whole number" })
    .min(1, { error: "prefetch must be >= 1; leave it out to derive it from the worker's concurrency" })
    .max(MAX_PREFETCH, { error: `prefetch must be at most ${MAX_PREFETCH} (AMQP's limit)` })
    .optional(),
  queueType: z
    .enum(AMQP_QUEUE_TYPES, { error: `queueType must be one of ${AMQP_QUEUE_TYPES.join(", ")}` })
    .default(AMQP_DEFAULTS.queueType),
  exchange: z
    .string({ error: "exchange must be a string" })
    .min(1, { error: "exchange must be a non-empty name prefix" })
    .default(AMQP_DEFAULTS.exchange),
  tls: z
    .custom<amqp.SocketOptions>(isPlainObject, {
      error: "tls must be an object of socket options (ca, cert, key, …)",
    })
    .default(() => AMQP_DEFAULTS.tls),
  publishTimeoutMs: timerMs("publishTimeoutMs").default(AMQP_DEFAULTS.publishTimeoutMs),
  redeliverAfterMs: positiveMs("redeliverAfterMs").default(AMQP_DEFAULTS.redeliverAfterMs),
  connectTimeoutMs: timerMs("connectTimeoutMs").default(AMQP_DEFAULTS.connectTimeoutMs),
  onError: z
    .custom<(error: Error) => void>((value) => typeof value === "function", {
      error: "onError must be a function (error) => void",
    })
    .optional(),
  logger: loggerSchema.default(() => AMQP_DEFAULTS.logger),
  connectionName: z
    .string({ error: "connectionName must be a string" })
    .min(1, { error: "connectionName must not be empty" })
    .default(AMQP_DEFAULTS.connectionName),
});

function isPlainObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Validates AmqpDelivery's options once, at construction. */
export function resolveAmqpDeliveryOptions(options: AmqpDeliveryOptions): ResolvedAmqpDeliveryOptions {
  assertAmqpUrl((options as Partial<AmqpDeliveryOptions> | undefined)?.url);
  const result = amqpDeliveryOptionsSchema.safeParse(options);
  if (!result.success) {
    throw new ValidationError(
      "INVALID_OPTION",
      `invalid AmqpBackend options: ${zodIssueMessage(result.error, options)}`,
    );
  }
  const { prefetch, tls, onError, ...resolved } = result.data;
  return Object.freeze({
    ...resolved,
    onError: onError ?? troubleReporter(resolved.logger.child({ backend: "amqp" })),
    tls: Object.freeze({ ...tls }),
    prefetchFor: prefetch === undefined ? derivedPrefetch : () => prefetch,
  });
}

/** `amqp://` or `amqps://`, carrying only amqplib's own parameters (Warren's are options here). */
function assertAmqpUrl(url: unknown): asserts url is string {
  if (typeof url !== "string" || !/^amqps?:\/\//i.test(url)) {
    throw new ValidationError("INVALID_URL", "AmqpBackend needs an amqp:// or amqps:// url");
  }
  assertDriverUrl(url, "amqp", "AmqpBackend");
}

/** The JobStore methods a transport drives: the outbox, claims by id, due promotion, reconciliation. */
const TRANSPORT_STORE_METHODS = [
  "watch",
  "takeOutbox",
  "ackOutbox",
  "claimJobs",
  "nextDueAt",
  "promoteDue",
  "rearmStale",
  "getJob",
] as const;

/** AmqpBackend's options split into its store (checked to be one) and AmqpDelivery's options. */
export function splitAmqpBackendOptions(options: AmqpBackendOptions): {
  store: JobStore;
  delivery: AmqpDeliveryOptions;
} {
  if (!isPlainObject(options)) {
    throw new ValidationError(
      "INVALID_OPTION",
      `AmqpBackend needs options { url, store }: new AmqpBackend({ url: "amqp://…", store: ${STORE_EXAMPLE} })`,
    );
  }
  const { store, ...delivery } = options;
  assertTransportStore(store);
  // One logger for the whole backend unless the transport is given its own.
  return { store, delivery: { logger: store.logger, ...delivery } };
}

const STORE_EXAMPLE = "new RedisStore({ url })";

function assertTransportStore(store: unknown): asserts store is JobStore {
  const members = isPlainObject(store) ? (store as Record<string, unknown>) : {};
  const missing = TRANSPORT_STORE_METHODS.filter((name) => typeof members[name] !== "function");
  const clock = members["clock"] as Partial<Clock> | undefined;
  if (missing.length === 0 && typeof clock?.now === "function") return;
  const problem =
    store === undefined
      ? "AmqpBackend needs { store }, where job state lives"
      : typeof members["fetch"] === "function"
        ? "AmqpBackend's store is a backend; give it a store (RedisStore, not RedisBackend)"
        : isPlainObject(store)
          ? `AmqpBackend's store must be a JobStore (it has no ${missing.join(", ") || "clock"})`
          : `AmqpBackend's store must be a JobStore (got ${typeof store})`;
  throw new ValidationError(
    "INVALID_OPTION",
    `${problem}: ${STORE_EXAMPLE}, new PostgresStore({ url }) or new MemoryStore() (one process only)`,
  );
}
