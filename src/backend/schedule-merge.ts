// The upsert rule for schedules, shared by the backends that apply it in JavaScript (Redis mirrors it in Lua).
import type { ScheduleRecord } from "./records.js";

/**
 * What `upsertSchedule` stores: the incoming schedule, keeping the existing one's count, paused flag and
 * creation time, and its next run while the timing (signature) is unchanged.
 */
export function mergeSchedule(
  existing: ScheduleRecord | undefined,
  incoming: ScheduleRecord,
): ScheduleRecord {
  if (!existing) return incoming;
  const sameTiming = existing.signature === incoming.signature;
  return {
    ...incoming,
    count: existing.count,
    paused: existing.paused,
    createdAt: existing.createdAt,
    nextRunAt: sameTiming ? existing.nextRunAt : incoming.nextRunAt,
  };
}
