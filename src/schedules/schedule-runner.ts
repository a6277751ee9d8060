// Materialises due schedule slots: run by a queue's maintenance leader. Each slot's job id derives from
// (key, slot time) and is added by one atomic compare-and-set on the schedule, so a slot fires at most once
// cluster-wide even when two leaders overlap.
import type { Backend } from "../backend/contract.js";
import type { NewJobRecord, ScheduleRecord } from "../backend/records.js";
import { SlotCalculator } from "./schedule-timing.js";

/** What one pass did, and when the earliest schedule is next due. */
export interface ScheduleRunReport {
  fired: number;
  nextDueAt: number | undefined;
}

/** The job id of a schedule's slot: the same in every process, so a slot is one job. */
export function slotJobId(key: string, slot: number): string {
  return `repeat:${key}:${slot}`;
}

/** Fires every due, unpaused schedule of `queue` once (missed slots collapse into one run). */
export async function runDueSchedules(
  backend: Backend,
  queue: string,
  now: number,
): Promise<ScheduleRunReport> {
  let fired = 0;
  let nextDueAt: number | undefined;
  for (const schedule of await backend.listSchedules(queue)) {
    if (schedule.paused || schedule.nextRunAt === undefined) continue;
    if (schedule.nextRunAt > now) {
      nextDueAt = Math.min(nextDueAt ?? Infinity, schedule.nextRunAt);
      continue;
    }
    const next = nextSlot(schedule, now);
    const ok = await backend.fireSchedule({
      queue,
      key: schedule.key,
      slot: schedule.nextRunAt,
      nextRunAt: next,
      job: slotJob(schedule, schedule.nextRunAt, now),
    });
    if (ok) fired += 1;
    if (next !== undefined) nextDueAt = Math.min(nextDueAt ?? Infinity, next);
  }
  return { fired, nextDueAt };
}

/** The slot after the one firing now, or undefined when the schedule ends with it. */
function nextSlot(schedule: ScheduleRecord, now: number): number | undefined {
  if (schedule.limit !== undefined && schedule.count + 1 >= schedule.limit) return undefined;
  return new SlotCalculator(schedule).after(now, schedule.nextRunAt!);
}

function slotJob(schedule: ScheduleRecord, slot: number, now: number): NewJobRecord {
  return {
    id: slotJobId(schedule.key, slot),
    queue: schedule.queue,
    name: schedule.name,
    data: schedule.data,
    opts: schedule.opts,
    createdAt: now,
    runAt: now,
  };
}
