// Schedules of the memory backend: one map per queue. A schedule's next slot is a delayed job; every change to
// the schedule and to that job happens in the same synchronous step, so nothing can interleave.
import { slotJobId } from "../../model/slot-id.js";
import type { NewJobRecord, ScheduleFire, ScheduleRecord } from "../records.js";
import { mergeSchedule } from "../schedule-merge.js";
import { slotJobRecord } from "../schedule-slot.js";

/** How the schedules reach their slot jobs: the backend's own enqueue and removal. */
export interface SlotJobs {
  /** Adds a job (an existing id adds nothing). */
  add(record: NewJobRecord): void;
  /** Removes the job if it is still delayed (it has not started: a slot that has not come). */
  dropIfDelayed(queue: string, id: string): void;
  now(): number;
}

/** Schedules by queue, then key. */
export class MemorySchedules {
  private readonly byQueue = new Map<string, Map<string, ScheduleRecord>>();

  constructor(private readonly slots: SlotJobs) {}

  upsert(schedule: ScheduleRecord): ScheduleRecord {
    let queue = this.byQueue.get(schedule.queue);
    if (!queue) this.byQueue.set(schedule.queue, (queue = new Map<string, ScheduleRecord>()));
    const existing = queue.get(schedule.key);
    const stored = mergeSchedule(existing, schedule);
    queue.set(schedule.key, stored);
    if (existing && !existing.paused) this.dropPendingSlot(existing);
    // The pending slot job reflects the latest template: made again while it has not started.
    this.dropPendingSlot(stored);
    this.addSlot(stored);
    return { ...stored };
  }

  list(queue: string): ScheduleRecord[] {
    const schedules = [...(this.byQueue.get(queue)?.values() ?? [])];
    return schedules.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((s) => ({ ...s }));
  }

  remove(queue: string, key: string): boolean {
    const schedule = this.byQueue.get(queue)?.get(key);
    if (!schedule) return false;
    this.dropPendingSlot(schedule);
    return this.byQueue.get(queue)!.delete(key);
  }

  setPaused(
    queue: string,
    key: string,
    paused: boolean,
    nextRunAt: number | undefined,
    now: number,
  ): ScheduleRecord | undefined {
    const schedule = this.byQueue.get(queue)?.get(key);
    if (!schedule) return undefined;
    if (paused) this.dropPendingSlot(schedule);
    Object.assign(schedule, { paused, nextRunAt, updatedAt: now });
    this.addSlot(schedule);
    return { ...schedule };
  }

  /** Moves the schedule on when `fire.slot` is still its next run; returns whether it did. */
  fire(fire: ScheduleFire): boolean {
    const schedule = this.byQueue.get(fire.queue)?.get(fire.key);
    if (!schedule || schedule.paused || schedule.nextRunAt !== fire.slot) return false;
    if (fire.counted) schedule.count += 1;
    schedule.nextRunAt = fire.nextRunAt;
    this.addSlot(schedule);
    return true;
  }

  dropQueue(queue: string): void {
    this.byQueue.delete(queue);
  }

  /** Adds the job of the schedule's next run, unless it is paused or ended. */
  private addSlot(schedule: ScheduleRecord): void {
    if (schedule.paused || schedule.nextRunAt === undefined) return;
    this.slots.add(slotJobRecord(schedule, schedule.nextRunAt, this.slots.now()));
  }

  private dropPendingSlot(schedule: ScheduleRecord): void {
    if (schedule.nextRunAt === undefined) return;
    this.slots.dropIfDelayed(schedule.queue, slotJobId(schedule.key, schedule.nextRunAt));
  }
}
