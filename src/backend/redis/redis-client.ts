// The two kinds of ioredis client the Redis backend runs on: one server (Redis) or a Redis Cluster (Cluster).
// They share every command; what differs lives here: how a connection is duplicated, which slot a key is in,
// and which node serves it. A multi-key command (BLPOP, XREAD) may only name keys of one slot on a cluster,
// and a blocked connection is unblocked with CLIENT UNBLOCK sent to its own node.
import type { Cluster, Redis, RedisOptions } from "ioredis";

/** The primary connection: one server, or a cluster. */
export type RedisClient = Redis | Cluster;

/** Whether `client` is a Redis Cluster client (ioredis marks them `isCluster`). */
export function isClusterClient(client: RedisClient): client is Cluster {
  return client.isCluster;
}

/**
 * A new connection like `client` with `overrides`, for pub/sub subscribers: a Redis for a Redis, a Cluster for a
 * Cluster (whose own subscriber follows the cluster's topology).
 */
export function duplicateClient(client: RedisClient, overrides: Partial<RedisOptions> = {}): RedisClient {
  if (!isClusterClient(client)) return client.duplicate(overrides);
  return client.duplicate([], { redisOptions: { ...client.options.redisOptions, ...overrides } });
}

/**
 * A dedicated single-node connection for blocking reads of `key`: a duplicate of `client` on one server, or on
 * a cluster one to the master serving the key's slot (a blocked command holds its connection, so it cannot
 * share the cluster's pooled one). Undefined while the cluster's slot map is not known yet.
 */
export function blockingConnection(
  client: RedisClient,
  key: string,
  overrides: Partial<RedisOptions> = {},
): Redis | undefined {
  if (!isClusterClient(client)) return client.duplicate(overrides);
  // The cluster's pooled node connections never reconnect (the cluster replaces them); this one does, as a
  // single server's duplicate would: a connection killed while idle comes back instead of failing its next wait.
  return nodeOf(client, key)?.duplicate({ lazyConnect: false, retryStrategy: reconnectDelay, ...overrides });
}

/** ioredis's own default: 50 ms more per attempt, at most 2 s. */
function reconnectDelay(attempt: number): number {
  return Math.min(attempt * 50, 2_000);
}

/**
 * The command connection to the node serving `key`: on a cluster the pooled one to its slot's master (where
 * CLIENT UNBLOCK for a connection blockingConnection made must go, and where PUBLISH keeps one sender's order).
 */
export function nodeClientFor(client: RedisClient, key: string): RedisClient | undefined {
  return isClusterClient(client) ? nodeOf(client, key) : client;
}

/** Which node serves `key`: "" on one server, the master's `host:port` on a cluster ("" before the slot map). */
export function nodeKeyOf(client: RedisClient, key: string): string {
  return isClusterClient(client) ? (client.slots[keySlot(key)]?.[0] ?? "") : "";
}

/** The cluster's pooled connection to the master of `key`'s slot. */
function nodeOf(cluster: Cluster, key: string): Redis | undefined {
  const master = cluster.slots[keySlot(key)]?.[0];
  if (master === undefined) return undefined;
  return cluster.nodes("master").find((node) => `${node.options.host}:${node.options.port}` === master);
}

/** Keys grouped by what one multi-key command may name: all of them on one server, one slot each on a cluster. */
export function groupBySlot(client: RedisClient, keys: readonly string[]): string[][] {
  if (!isClusterClient(client)) return [[...keys]];
  const groups = new Map<number, string[]>();
  for (const key of keys) {
    const slot = keySlot(key);
    const group = groups.get(slot);
    if (group) group.push(key);
    else groups.set(slot, [key]);
  }
  return [...groups.values()];
}

const SLOT_COUNT = 16_384;

/** The cluster slot of `key`: CRC16 (XMODEM) of its hash tag (the first non-empty `{…}`) or of the whole key. */
export function keySlot(key: string): number {
  const bytes = Buffer.from(key);
  let start = 0;
  let end = bytes.length;
  const open = bytes.indexOf(0x7b);
  if (open >= 0) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1) {
      start = open + 1;
      end = close;
    }
  }
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc ^= bytes[i]! << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % SLOT_COUNT;
}
