// How the Redis and PostgreSQL fetches fill one batch from several queues: in the order given, each queue asked
// for what the batch still lacks, until it is full. When nothing was claimed, the fetch sleeps until the
// earliest time any queue said work becomes due.
import type { JobRecord } from "./records.js";

/** What one queue gave: the jobs claimed, and when it next has work due (undefined: nothing known). */
export interface QueueClaim {
  claimed: JobRecord[];
  wakeAt?: number | undefined;
}

/** Claims up to `max` jobs over `queues`; `wakeAt` is the earliest due time reported (Infinity: none). */
export async function claimAcrossQueues(
  queues: string[],
  max: number,
  claimFrom: (queue: string, max: number) => Promise<QueueClaim>,
): Promise<{ claimed: JobRecord[]; wakeAt: number }> {
  const claimed: JobRecord[] = [];
  let wakeAt = Infinity;
  for (const queue of queues) {
    const result = await claimFrom(queue, max - claimed.length);
    claimed.push(...result.claimed);
    wakeAt = Math.min(wakeAt, result.wakeAt ?? Infinity);
    if (claimed.length >= max) break;
  }
  return { claimed, wakeAt };
}
