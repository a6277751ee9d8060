// The Redis store's dead-letter replay: one script, so two operators replaying one job count it once.
import type { JobRecord } from "../records.js";
import { decodeRecord } from "./record-codec.js";
import type { RedisStoreContext } from "./redis-context.js";

/** A failed or expired job back to waiting with a fresh attempt budget; undefined when it is neither. */
export async function replayDeadLetter(
  ctx: RedisStoreContext,
  queue: string,
  id: string,
): Promise<JobRecord | undefined> {
  const reply = await ctx.run("replay-dead-letter", queue, [id, ctx.clock.now(), ctx.outbox()], id);
  return reply === null || reply === false ? undefined : decodeRecord(reply);
}
