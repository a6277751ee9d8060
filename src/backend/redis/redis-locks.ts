// Named locks on Redis (`backend.lock`): one hash per lock under its own hash tag, taken, extended and released
// by scripts that compare the holder's token, with a fencing token that grows across holders.
import type { RedisStoreContext } from "./redis-context.js";
import type { ScriptName } from "./script-runner.js";

/** Takes the lock if it is free or expired; returns the new fencing token, or undefined when it is held. */
export async function acquireLock(
  ctx: RedisStoreContext,
  key: string,
  token: string,
  ttlMs: number,
): Promise<number | undefined> {
  const fence = await runLockScript(ctx, "acquire-lock", key, [token, ctx.clock.now(), ttlMs]);
  return typeof fence === "number" ? fence : undefined;
}

/** Pushes the expiry of a lock `token` still holds; false when it no longer does. */
export async function extendLock(
  ctx: RedisStoreContext,
  key: string,
  token: string,
  ttlMs: number,
): Promise<boolean> {
  return (await runLockScript(ctx, "extend-lock", key, [token, ctx.clock.now(), ttlMs])) === 1;
}

/** Frees a lock `token` still holds; false when it no longer does. */
export async function releaseLock(ctx: RedisStoreContext, key: string, token: string): Promise<boolean> {
  return (await runLockScript(ctx, "release-lock", key, [token, ctx.clock.now()])) === 1;
}

/** A lock script on the lock's own key: no queue, so no script-error translation and no transport signals. */
async function runLockScript(
  ctx: RedisStoreContext,
  name: ScriptName,
  key: string,
  args: Array<string | number>,
): Promise<unknown> {
  return (await ctx.command(() => ctx.scripts.run(name, [ctx.keys.lock(key)], args))).result;
}
