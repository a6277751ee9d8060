// The Redis backend's primary connection: the caller's client, or one built from the URL with Warren's
// settings, watched by a RedisConnectionGuard from the start (before its first event can be missed).
import type { Redis } from "ioredis";
import { loadIoredis } from "../load-driver.js";
import { connectionTarget } from "../connection-target.js";
import { assertDriverUrl } from "../url-options.js";
import { RedisConnectionGuard } from "./connection-guard.js";

/** See `RedisBackendOptions.connectTimeoutMs`. */
export const DEFAULT_REDIS_CONNECT_TIMEOUT_MS = 10_000;
/** See `RedisBackendOptions.url`. */
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0";
/** Commands queued while disconnected fail after this many reconnect attempts (ioredis's default is 20). */
const MAX_RETRIES_PER_REQUEST = 3;

/** The connection settings of `RedisBackendOptions`. */
export interface RedisConnectionOptions {
  /** See `RedisBackendOptions.url`. */
  url?: string | undefined;
  /** See `RedisBackendOptions.client`. */
  client?: Redis | undefined;
  /** See `RedisBackendOptions.connectionName`. */
  connectionName?: string | undefined;
  /** See `RedisBackendOptions.connectTimeoutMs`. */
  connectTimeoutMs?: number | undefined;
}

/** The primary connection, whether the backend owns it, and its guard. */
export interface RedisConnection {
  /** The primary ioredis connection. */
  client: Redis;
  /** False for a caller's `client`, which the backend must not close. */
  ownsClient: boolean;
  /** Gate and error translator of `client` and the connections duplicated from it. */
  guard: RedisConnectionGuard;
}

/** Opens (or adopts) the primary connection. Refuses URL parameters ioredis would take as client options. */
export function openRedisConnection(
  options: RedisConnectionOptions,
  onError: (error: Error) => void,
): RedisConnection {
  const url = options.url ?? DEFAULT_REDIS_URL;
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_REDIS_CONNECT_TIMEOUT_MS;
  if (options.client === undefined) assertDriverUrl(url, "redis", "RedisBackend");
  const client =
    options.client ??
    new (loadIoredis().Redis)(url, {
      lazyConnect: false,
      maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST,
      connectTimeout: connectTimeoutMs,
      connectionName: options.connectionName ?? "warren",
    });
  const ownsClient = options.client === undefined;
  const guard = new RedisConnectionGuard(client, {
    target: connectionTarget(ownsClient ? url : clientUrl(client)),
    connectTimeoutMs,
    ownsClient,
    onError,
  });
  return { client, ownsClient, guard };
}

/** A caller's client as a URL, only to name its host in errors (it carries no credentials). */
function clientUrl(client: Redis): string {
  const { host = "127.0.0.1", port = 6379, db = 0 } = client.options;
  return `redis://${host.includes(":") ? `[${host}]` : host}:${port}/${db}`;
}
