// The Redis backend's primary connection: the caller's client, or one built from the URL (or the cluster's
// nodes) with Warren's settings, watched by a RedisConnectionGuard from the start (before its first event can
// be missed).
import type { Redis } from "ioredis";
import { loadIoredis } from "../load-driver.js";
import { connectionTarget, type ConnectionTarget } from "../connection-target.js";
import { RedisConnectionGuard } from "./connection-guard.js";
import { isClusterClient, type RedisClient } from "./redis-client.js";
import type { ResolvedRedisStoreOptions } from "./redis-options.js";

/** Commands queued while disconnected fail after this many reconnect attempts (ioredis's default is 20). */
const MAX_RETRIES_PER_REQUEST = 3;

/** The connection settings of the resolved options (see RedisStoreOptions). */
export type RedisConnectionOptions = Pick<
  ResolvedRedisStoreOptions,
  "url" | "cluster" | "client" | "connectionName" | "connectTimeoutMs" | "logger"
>;

/** The primary connection, whether the backend owns it, and its guard. */
export interface RedisConnection {
  /** The primary ioredis connection: one server, or a cluster. */
  client: RedisClient;
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
  const { url, connectTimeoutMs, cluster } = options;
  const settings = {
    maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST,
    connectTimeout: connectTimeoutMs,
    connectionName: options.connectionName,
  };
  const client =
    options.client ??
    (cluster
      ? new (loadIoredis().Cluster)(cluster.nodes.map(nodeAddress), {
          lazyConnect: false,
          redisOptions: {
            ...settings,
            ...(cluster.username === undefined ? {} : { username: cluster.username }),
            ...(cluster.password === undefined ? {} : { password: cluster.password }),
          },
        })
      : new (loadIoredis().Redis)(url, { lazyConnect: false, ...settings }));
  const ownsClient = options.client === undefined;
  const guard = new RedisConnectionGuard(client, {
    target: cluster
      ? clusterTarget(cluster.nodes, cluster.password)
      : isClusterClient(client)
        ? clusterTarget(
            client.nodes("master").map(({ options: node }) => `${node.host}:${node.port}`),
            undefined,
          )
        : connectionTarget(ownsClient ? url : clientUrl(client)),
    connectTimeoutMs,
    ownsClient,
    onError,
    logger: options.logger.child({ backend: "redis" }),
  });
  return { client, ownsClient, guard };
}

/** `host:port` (or `[v6]:port`, validated by resolveRedisStoreOptions) as ioredis takes a cluster node. */
function nodeAddress(node: string): { host: string; port: number } {
  const colon = node.lastIndexOf(":");
  return { host: node.slice(0, colon).replace(/^\[(.*)\]$/, "$1"), port: Number(node.slice(colon + 1)) };
}

/** A cluster as its errors name it: its seed nodes. */
function clusterTarget(nodes: readonly string[], password: string | undefined): ConnectionTarget {
  return { host: nodes.join(","), url: `redis+cluster://${nodes.join(",")}/`, password: password ?? "" };
}

/** A caller's client as a URL, only to name its host in errors (it carries no credentials). */
function clientUrl(client: Redis): string {
  const { host = "127.0.0.1", port = 6379, db = 0 } = client.options;
  return `redis://${host.includes(":") ? `[${host}]` : host}:${port}/${db}`;
}
