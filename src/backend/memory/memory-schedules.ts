// Schedules of the memory backend: one map per queue. Firing a slot adds its job through the backend's own
// enqueue in the same synchronous step, so the compare-and-set and the add cannot interleave.
import type { ScheduleFire, ScheduleRecord } from "../records.js";
import { mergeSchedule } from "../schedule-merge.js";

/** Schedules by queue, then key. */
export class MemorySchedules {
  private readonly byQueue = new Map<string, Map<string, ScheduleRecord>>();

  upsert(schedule: ScheduleRecord): ScheduleRecord {
    let queue = this.byQueue.get(schedule.queue);
    if (!queue) this.byQueue.set(schedule.queue, (queue = new Map<string, ScheduleRecord>()));
    const stored = mergeSchedule(queue.get(schedule.key), schedule);
    queue.set(schedule.key, stored);
    return { ...stored };
  }

  list(queue: string): ScheduleRecord[] {
    const schedules = [...(this.byQueue.get(queue)?.values() ?? [])];
    return schedules.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((s) => ({ ...s }));
  }

  remove(queue: string, key: string): boolean {
    return this.byQueue.get(queue)?.delete(key) ?? false;
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
    Object.assign(schedule, { paused, nextRunAt, updatedAt: now });
    return { ...schedule };
  }

  /** Runs `add` and advances the schedule when the slot is still current; returns whether it fired. */
  fire(fire: ScheduleFire, add: () => void): boolean {
    const schedule = this.byQueue.get(fire.queue)?.get(fire.key);
    if (!schedule || schedule.paused || schedule.nextRunAt !== fire.slot) return false;
    add();
    schedule.count += 1;
    schedule.nextRunAt = fire.nextRunAt;
    return true;
  }

  dropQueue(queue: string): void {
    this.byQueue.delete(queue);
  }
}
