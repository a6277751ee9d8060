// RedisStore (and RedisBackend) options: the public shape, the defaults in one place, validated once at
// construction into a frozen resolved form. Unknown keys are refused: a typo such as `prefx` used to be
// ignored, so two processes silently used different keys.
import type { Cluster, Redis } from "ioredis";
import { z } from "zod";
import { systemClock, type Clock } from "../../core/clock.js";
import { closestName } from "../../core/closest-name.js";
import { zodIssueMessage } from "../../core/zod-message.js";
import { ValidationError } from "../../errors/warren-error.js";
import { defaultLogger } from "../../logging/default-logger.js";
import type { Logger } from "../../logging/logger.js";
import { loggerOption } from "../../logging/logger-option.js";
import { troubleReporter } from "../../logging/trouble-reporter.js";
import { assertDriverUrl } from "../url-options.js";

/** Options for {@link RedisStore} and RedisBackend (`createBackend` builds them from a `redis://` URL). */
export interface RedisStoreOptions {
  /**
   * `redis://[:password@]host:port/db` or `rediss://…`, without Warren's URL parameters (pass them as options).
   * @defaultValue "redis://127.0.0.1:6379/0"
   */
  url?: string;
  /**
   * A Redis Cluster to use instead of `url` (createBackend builds it from `redis+cluster://host:port,host:port/`).
   * Each queue lives in one slot (its keys share the hash tag `{prefix:queue}`). @defaultValue none: one server
   */
  cluster?: RedisClusterOptions;
  /**
   * An ioredis client to use instead of `url`: a `Redis`, or a `Cluster` for a Redis Cluster (the backend opens
   * its blocking readers from it). @defaultValue none
   */
  client?: Redis | Cluster;
  /**
   * Client name (CLIENT SETNAME) of every connection the backend opens, so operators can tell them apart;
   * printable ASCII, no spaces. @defaultValue "warren"
   */
  connectionName?: string;
  /** Prefix of every key: 1–64 letters, digits, `_` or `-` (URL: `?prefix=`). @defaultValue "warren" */
  prefix?: string;
  /** Clock for every timestamp (client time is authoritative). @defaultValue the system clock */
  clock?: Clock;
  /** Where the backend logs (any pino-compatible logger). @defaultValue pino to stderr at WARREN_LOG_LEVEL */
  logger?: Logger;
  /**
   * Reports connection trouble (already redacted).
   * @defaultValue a warning through `logger`, at debug when the same trouble repeats within a minute
   */
  onError?: (error: Error) => void;
  /**
   * How long a call waits for the first connection before it fails with CONNECT_TIMEOUT (also ioredis's
   * `connectTimeout` for each attempt), in ms (URL: `?connectTimeout=`). @defaultValue 10000
   */
  connectTimeoutMs?: number;
}

/** Where a Redis Cluster is: any of its nodes (the others are discovered), and the credentials of every node. */
export interface RedisClusterOptions {
  /** Seed nodes as `host:port` (IPv6 as `[::1]:7000`); at least one. */
  nodes: string[];
  /** ACL user of every node. @defaultValue none (the default user) */
  username?: string;
  /** Password of every node. @defaultValue none */
  password?: string;
}

/** RedisStoreOptions after validation: every default applied, frozen. */
export interface ResolvedRedisStoreOptions {
  readonly url: string;
  /** The cluster to open (then `url` is unused); undefined: one server at `url`, or the caller's client. */
  readonly cluster: Readonly<RedisClusterOptions> | undefined;
  /** The caller's client, which the backend must not close; undefined: the backend opens its own. */
  readonly client: Redis | Cluster | undefined;
  readonly connectionName: string;
  readonly prefix: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly onError: (error: Error) => void;
  readonly connectTimeoutMs: number;
}

/** The value of every option left unset (`client` has none: the backend then connects to `url`). */
export const DEFAULT_REDIS_OPTIONS: Readonly<
  Omit<ResolvedRedisStoreOptions, "client" | "cluster" | "onError">
> = Object.freeze({
  /** @defaultValue "redis://127.0.0.1:6379/0" */
  url: "redis://127.0.0.1:6379/0",
  /** @defaultValue "warren" */
  connectionName: "warren",
  /** @defaultValue "warren" */
  prefix: "warren",
  /** @defaultValue the system clock */
  clock: systemClock,
  /** @defaultValue pino to stderr at WARREN_LOG_LEVEL (warn) */
  logger: defaultLogger(),
  /** @defaultValue 10000 */
  connectTimeoutMs: 10_000,
});

/** Node's timers fire at once past this (2^31 − 1 ms), so a longer timeout would never wait. */
const MAX_TIMEOUT_MS = 2_147_483_647;
const PREFIX = /^[A-Za-z0-9_-]{1,64}$/;
/** What Redis accepts in CLIENT SETNAME: printable ASCII, no spaces. */
const CONNECTION_NAME = /^[!-~]+$/;
/** `host:port` or `[v6]:port`. */
const NODE = /^(?:\[[0-9A-Fa-f:.]+\]|[^\s:/?#@[\]]+):(\d{1,5})$/;

const clusterSchema = z.strictObject(
  {
    nodes: z
      .array(
        z
          .string({ error: 'cluster.nodes entries must be strings such as "127.0.0.1:7000"' })
          .refine((node) => isNodeAddress(node), {
            error:
              'cluster.nodes entries must be "host:port" with a port from 1 to 65535, such as "127.0.0.1:7000"',
          }),
        { error: 'cluster.nodes must be an array of "host:port" strings, such as ["127.0.0.1:7000"]' },
      )
      .min(1, { error: 'cluster.nodes must name at least one node, such as ["127.0.0.1:7000"]' }),
    username: z.string({ error: "cluster.username must be a string" }).optional(),
    password: z.string({ error: "cluster.password must be a string" }).optional(),
  },
  { error: 'cluster must be an object { nodes: ["host:port", …], username?, password? }' },
);

function isNodeAddress(node: string): boolean {
  const port = Number(NODE.exec(node)?.[1] ?? 0);
  return port >= 1 && port <= 65_535;
}

const redisStoreOptionsSchema = z.strictObject({
  url: z.string({ error: "url must be a string such as redis://127.0.0.1:6379/0" }).optional(),
  cluster: clusterSchema.optional(),
  client: z
    .custom<Redis | Cluster>(
      (value) => typeof (value as { duplicate?: unknown } | null)?.duplicate === "function",
      {
        error: "client must be an ioredis client (new Redis(url) or new Cluster(nodes)); or pass url instead",
      },
    )
    .optional(),
  connectionName: z
    .string({ error: "connectionName must be a string" })
    .regex(CONNECTION_NAME, {
      error: "connectionName must be printable ASCII without spaces (Redis refuses others)",
    })
    .optional(),
  prefix: z
    .string({ error: 'prefix must be a string of 1–64 letters, digits, "_" or "-"' })
    .regex(PREFIX, { error: 'prefix must be 1–64 letters, digits, "_" or "-"' })
    .optional(),
  clock: z
    .custom<Clock>(
      (value) =>
        typeof (value as Partial<Clock> | null)?.now === "function" &&
        typeof (value as Partial<Clock> | null)?.sleep === "function",
      {
        error: "clock must be a Clock ({ now(), sleep(ms, signal) }), such as FakeClock from warren/testing",
      },
    )
    .optional(),
  logger: loggerOption,
  onError: z
    .custom<(error: Error) => void>((value) => typeof value === "function", {
      error: "onError must be a function (error) => void",
    })
    .optional(),
  connectTimeoutMs: z
    .number({ error: "connectTimeoutMs must be a number of ms" })
    .int({ error: "connectTimeoutMs must be a whole number of ms" })
    .min(1, { error: "connectTimeoutMs must be at least 1 ms" })
    .max(MAX_TIMEOUT_MS, { error: `connectTimeoutMs must be at most ${MAX_TIMEOUT_MS} ms` })
    .optional(),
});

/** Every option's name, in documented order. */
export const REDIS_OPTION_NAMES: readonly string[] = Object.freeze(
  Object.keys(redisStoreOptionsSchema.shape),
);

/**
 * Validates RedisStore / RedisBackend options once, at construction, before any connection is opened; throws
 * ValidationError INVALID_OPTION (or INVALID_URL for a `url` carrying parameters) naming what to fix.
 */
export function resolveRedisStoreOptions(options: RedisStoreOptions): ResolvedRedisStoreOptions {
  const result = redisStoreOptionsSchema.safeParse(options);
  if (!result.success) {
    const issue = result.error.issues[0];
    const unknown = issue?.code === "unrecognized_keys" ? issue.keys : [];
    throw new ValidationError(
      "INVALID_OPTION",
      `invalid redis options: ${unknown.length > 0 ? unknownOptionMessage(unknown) : zodIssueMessage(result.error, options)}`,
      { details: unknown.length > 0 ? { options: unknown } : { option: issue?.path.map(String).join(".") } },
    );
  }
  assertOneServerSource(options);
  const url = options.url ?? DEFAULT_REDIS_OPTIONS.url;
  if (options.client === undefined && options.cluster === undefined)
    assertDriverUrl(url, "redis", "RedisBackend");
  const logger = options.logger ?? DEFAULT_REDIS_OPTIONS.logger;
  const { cluster } = options;
  return Object.freeze({
    url,
    cluster: cluster && Object.freeze({ ...cluster, nodes: Object.freeze([...cluster.nodes]) as string[] }),
    client: options.client,
    connectionName: options.connectionName ?? DEFAULT_REDIS_OPTIONS.connectionName,
    prefix: options.prefix ?? DEFAULT_REDIS_OPTIONS.prefix,
    clock: options.clock ?? DEFAULT_REDIS_OPTIONS.clock,
    logger,
    onError: options.onError ?? troubleReporter(logger.child({ backend: "redis" })),
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_REDIS_OPTIONS.connectTimeoutMs,
  });
}

/** `url`, `cluster` and `client` each say where the server is: at most one of them may be given. */
function assertOneServerSource(options: RedisStoreOptions): void {
  const given = (["url", "cluster", "client"] as const).filter((name) => options[name] !== undefined);
  if (given.length <= 1) return;
  throw new ValidationError(
    "INVALID_OPTION",
    `invalid redis options: ${given.join(" and ")} each say where Redis is; pass one of them ` +
      `(a cluster: cluster: { nodes: ["host:port", …] }, or a Cluster client)`,
    { details: { options: given } },
  );
}

/** `unknown option prefx (did you mean prefix?); …`: names the key, the one it likely meant, and the known ones. */
function unknownOptionMessage(keys: readonly string[]): string {
  const guess = closestName(keys[0]!, REDIS_OPTION_NAMES);
  return (
    `unknown option${keys.length > 1 ? "s" : ""} ${keys.join(", ")}` +
    (guess === undefined ? "" : ` (did you mean ${guess}?)`) +
    `; RedisStore and RedisBackend take ${REDIS_OPTION_NAMES.join(", ")}`
  );
}
