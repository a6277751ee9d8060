// The worker registry on Redis: one hash per prefix, field = worker id, value = its info and expiry as JSON.
// A worker that stops beating drops out once its expiry passes; readers delete stale entries as they go.
import type { WorkerInfo } from "../records.js";
import type { RedisStoreContext } from "./redis-context.js";

/** A registry entry: the worker's info and when it goes stale. */
type StoredWorker = WorkerInfo & { expiresAt: number };

/** Registers or refreshes a worker for `ttlMs` from now. */
export async function heartbeatWorker(
  ctx: RedisStoreContext,
  info: WorkerInfo,
  ttlMs: number,
): Promise<void> {
  await ctx.command(() => {
    const entry: StoredWorker = { ...info, expiresAt: ctx.clock.now() + ttlMs };
    return ctx.client.hset(ctx.keys.workers, info.id, JSON.stringify(entry));
  });
}

/** Drops a worker's registration at once (it closed). */
export async function deregisterWorker(ctx: RedisStoreContext, id: string): Promise<void> {
  await ctx.command(() => ctx.client.hdel(ctx.keys.workers, id));
}

/** Workers whose registration has not expired, oldest first; expired ones are deleted as they are seen. */
export function listWorkers(ctx: RedisStoreContext): Promise<WorkerInfo[]> {
  return ctx.command(async () => {
    const { client, keys } = ctx;
    const now = ctx.clock.now();
    const live: WorkerInfo[] = [];
    const stale: string[] = [];
    for (const [id, text] of Object.entries(await client.hgetall(keys.workers))) {
      const { expiresAt, ...info } = JSON.parse(text) as StoredWorker;
      if (expiresAt > now) live.push(info);
      else stale.push(id);
    }
    if (stale.length > 0) await client.hdel(keys.workers, ...stale);
    return live.sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
  });
}
