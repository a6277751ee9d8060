// The worker registry on Redis: one hash per prefix, field = worker id, value = its info and expiry as JSON.
// A worker that stops beating drops out once its expiry passes; readers delete stale entries as they go.
import type { Redis } from "ioredis";
import type { WorkerInfo } from "../records.js";
import type { RedisKeys } from "./keys.js";

/** A registry entry: the worker's info and when it goes stale. */
type StoredWorker = WorkerInfo & { expiresAt: number };

/** Registers or refreshes a worker until `expiresAt`. */
export async function heartbeat(
  client: Redis,
  keys: RedisKeys,
  info: WorkerInfo,
  expiresAt: number,
): Promise<void> {
  const entry: StoredWorker = { ...info, expiresAt };
  await client.hset(keys.workers, info.id, JSON.stringify(entry));
}

/** Workers whose registration has not expired at `now`, oldest first; expired ones are deleted. */
export async function listLive(client: Redis, keys: RedisKeys, now: number): Promise<WorkerInfo[]> {
  const live: WorkerInfo[] = [];
  const stale: string[] = [];
  for (const [id, text] of Object.entries(await client.hgetall(keys.workers))) {
    const { expiresAt, ...info } = JSON.parse(text) as StoredWorker;
    if (expiresAt > now) live.push(info);
    else stale.push(id);
  }
  if (stale.length > 0) await client.hdel(keys.workers, ...stale);
  return live.sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
}
