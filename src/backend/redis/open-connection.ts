// The Redis backend's primary connection: the caller's client, or one built from the URL with Warren's
// settings, watched by a RedisConnectionGuard from the start (before its first event can be missed).
import type { Redis } from "ioredis";
import { loadIoredis } from "../load-driver.js";
import { connectionTarget } from "../connection-target.js";
import { RedisConnectionGuard } from "./connection-guard.js";
import type { ResolvedRedisStoreOptions } from "./redis-options.js";

/** Commands queued while disconnected fail after this many reconnect attempts (ioredis's default is 20). */
const MAX_RETRIES_PER_REQUEST = 3;

/** The connection settings of the resolved options (see RedisStoreOptions). */
export type RedisConnectionOptions = Pick<
  ResolvedRedisStoreOptions,
  "url" | "client" | "connectionName" | "connectTimeoutMs" | "logger"
>;

/** The primary connection, whether the backend owns it, and its guard. */
export interface RedisConnection {
  /** The primary ioredis connection. */
  client: Redis;
  /** False for a caller's `client`, which the backend must not close. */
  ownsClient: boolean;
  /** Gate and error translator of `client` and the connections duplicated from it. */
  guard: RedisConnectionGuard;
}

/**
 * Opens (or adopts) the primary connection. The options are validated already (resolveRedisStoreOptions refuses
 * URL parameters ioredis would take as client options).
 */
export function openRedisConnection(
  options: RedisConnectionOptions,
  onError: (error: Error) => void,
): RedisConnection {
  const { url, connectTimeoutMs } = options;
  const client =
    options.client ??
    new (loadIoredis().Redis)(url, {
      lazyConnect: false,
      maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST,
      connectTimeout: connectTimeoutMs,
      connectionName: options.connectionName,
    });
  const ownsClient = options.client === undefined;
  const guard = new RedisConnectionGuard(client, {
    target: connectionTarget(ownsClient ? url : clientUrl(client)),
    connectTimeoutMs,
    ownsClient,
    onError,
    logger: options.logger.child({ backend: "redis" }),
  });
  return { client, ownsClient, guard };
}

/** A caller's client as a URL, only to name its host in errors (it carries no credentials). */
function clientUrl(client: Redis): string {
  const { host = "127.0.0.1", port = 6379, db = 0 } = client.options;
  return `redis://${host.includes(":") ? `[${host}]` : host}:${port}/${db}`;
}
