// A schedule's slot is one delayed job, due at the slot, under the id model/slot-id.ts derives. Shared by the
// backends that build it in TypeScript (memory, PostgreSQL); the Redis scripts build the same record in Lua
// (scripts/lib/schedules.lua).
import { slotJobId } from "../model/slot-id.js";
import type { NewJobRecord, ScheduleRecord } from "./records.js";

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
