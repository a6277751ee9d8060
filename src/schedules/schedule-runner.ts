// Keeps schedules moving. A slot is a delayed job due at the slot (see model/slot-id.ts), made by the
// backend together with the schedule; the worker that starts a slot's job moves the schedule on, which makes
// the next slot's job — so slots run at their time, to the millisecond the backend's wake-ups allow, and at
// most once cluster-wide (the job id and a compare-and-set on the slot). Maintenance only repairs a schedule
// whose pending slot job went missing.
import type { Backend } from "../backend/contract.js";
import type { JobRecord, ScheduleRecord } from "../backend/records.js";
import { isTerminalState } from "../model/job-state.js";
import { slotJobId, slotOfJobId } from "../model/slot-id.js";
import { SlotCalculator } from "./schedule-timing.js";

export { slotJobId } from "../model/slot-id.js";

/** What one repair pass did. */
export interface ScheduleRepairReport {
  /** Slot jobs made again (they had gone missing before their slot). */
  remade: number;
  /** Schedules moved on past a slot whose job ran (or vanished) without moving them. */
  advanced: number;
}

/**
 * A slot's job is starting: move its schedule on to the next slot (which adds that slot's job). Resolves false
 * when another process already did, or the schedule changed, was paused or removed meanwhile.
 */
export async function advanceSchedule(backend: Backend, record: JobRecord, now: number): Promise<boolean> {
  const key = record.opts.schedule;
  if (key === undefined) return false;
  const slot = slotOfJobId(key, record.id);
  if (slot === undefined) return false;
  const schedule = (await backend.listSchedules(record.queue)).find((candidate) => candidate.key === key);
  if (!schedule || schedule.paused || schedule.nextRunAt !== slot) return false;
  return backend.fireSchedule({
    queue: record.queue,
    key,
    slot,
    nextRunAt: nextSlot(schedule, now),
    counted: true,
  });
}

/**
 * The safety net, run by a queue's maintenance leader: a schedule whose next slot's job is missing gets it
 * made again while the slot is ahead; once the slot has passed, or when its job ran without moving the
 * schedule on (a worker died in between), the schedule moves on to the next slot after now.
 */
export async function repairSchedules(
  backend: Backend,
  queue: string,
  now: number,
): Promise<ScheduleRepairReport> {
  const report: ScheduleRepairReport = { remade: 0, advanced: 0 };
  for (const schedule of await backend.listSchedules(queue)) {
    const slot = schedule.nextRunAt;
    if (schedule.paused || slot === undefined) continue;
    const job = await backend.getJob(queue, slotJobId(schedule.key, slot));
    if (job && !isTerminalState(job.state)) continue;
    if (!job && slot > now) {
      const remade = await backend.fireSchedule({
        queue,
        key: schedule.key,
        slot,
        nextRunAt: slot,
        counted: false,
      });
      if (remade) report.remade += 1;
      continue;
    }
    const moved = await backend.fireSchedule({
      queue,
      key: schedule.key,
      slot,
      nextRunAt: nextSlot(schedule, now),
      counted: job !== undefined,
    });
    if (moved) report.advanced += 1;
  }
  return report;
}

/**
 * A slot's job that starts at most this late still moves its schedule to the very next slot, even if that one
 * is due already: a loaded machine that holds a worker back for a moment must not drop a slot of a short
 * interval. Later than this (no worker ran), the missed slots collapse into one.
 */
export const MISFIRE_GRACE_MS = 5_000;

/**
 * The slot after the one starting now, or undefined when the schedule ends with it. A start within
 * {@link MISFIRE_GRACE_MS} of its slot moves to the next slot of the series; a later one skips the slots
 * missed in between: a schedule runs once on recovery, not once per missed slot.
 */
function nextSlot(schedule: ScheduleRecord, now: number): number | undefined {
  if (schedule.limit !== undefined && schedule.count + 1 >= schedule.limit) return undefined;
  const slot = schedule.nextRunAt!;
  const calculator = new SlotCalculator(schedule);
  return calculator.after(now - slot <= MISFIRE_GRACE_MS ? slot : now, slot);
}
