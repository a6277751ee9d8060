// A schedule's slot is one delayed job, due at the slot: its id derives from (schedule key, slot time), so every
// process names the same job and a slot runs at most once cluster-wide. Shared by the backends that build it in
// TypeScript (memory, PostgreSQL); the Redis scripts build the same record in Lua (lib.lua's slotJobPayload).
import type { NewJobRecord, ScheduleRecord } from "./records.js";

const SLOT_ID_PREFIX = "repeat:";

/** The job id of a schedule's slot: the same in every process, so a slot is one job. */
export function slotJobId(key: string, slot: number): string {
  return `${SLOT_ID_PREFIX}${key}:${slot}`;
}

/** The slot time a slot job's id names, or undefined when `id` is not a slot of `key`. */
export function slotOfJobId(key: string, id: string): number | undefined {
  const head = `${SLOT_ID_PREFIX}${key}:`;
  if (!id.startsWith(head)) return undefined;
  const slot = Number(id.slice(head.length));
  return Number.isSafeInteger(slot) ? slot : undefined;
}

/** The job of `schedule`'s slot at `slot`, due then (its options carry the schedule's key). */
export function slotJobRecord(schedule: ScheduleRecord, slot: number, now: number): NewJobRecord {
  return {
    id: slotJobId(schedule.key, slot),
    queue: schedule.queue,
    name: schedule.name,
    data: schedule.data,
    opts: schedule.opts,
    createdAt: now,
    runAt: slot,
  };
}
