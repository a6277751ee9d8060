// Schedules on Redis: one hash per queue (`{prefix:queue}:schedules`, key → JSON). Every change is a script that
// also keeps the pending slot job (a delayed job due at the next run) in step, atomically.
import type { ScheduleFire, ScheduleRecord } from "../records.js";
import { decodeSchedule, encodeSchedule } from "./record-codec.js";
import type { RedisStoreContext } from "./redis-context.js";

/** The schedule operations of a RedisStore. */
export class RedisSchedules {
  constructor(private readonly ctx: RedisStoreContext) {}

  async upsert(schedule: ScheduleRecord): Promise<ScheduleRecord> {
    const [, stored] = await Promise.all([
      this.ctx.register(schedule.queue),
      this.ctx.run("upsert-schedule", schedule.queue, [
        schedule.key,
        encodeSchedule(schedule),
        this.ctx.clock.now(),
        this.ctx.outbox(),
      ]),
    ]);
    return decodeSchedule(stored as string);
  }

  async list(queue: string): Promise<ScheduleRecord[]> {
    this.ctx.assertOpen();
    const stored = await this.ctx.client.hvals(`${this.ctx.keys.base(queue)}schedules`);
    return stored.map(decodeSchedule).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async remove(queue: string, key: string): Promise<boolean> {
    return (await this.ctx.run("remove-schedule", queue, [key, this.ctx.clock.now()])) === 1;
  }

  async setPaused(
    queue: string,
    key: string,
    paused: boolean,
    nextRunAt: number | undefined,
  ): Promise<ScheduleRecord | undefined> {
    const stored = await this.ctx.run("set-schedule-paused", queue, [
      key,
      paused ? "1" : "0",
      nextRunAt ?? "",
      this.ctx.clock.now(),
      this.ctx.outbox(),
    ]);
    return typeof stored === "string" ? decodeSchedule(stored) : undefined;
  }

  async fire(fire: ScheduleFire): Promise<boolean> {
    const fired = await this.ctx.run("fire-schedule", fire.queue, [
      this.ctx.clock.now(),
      this.ctx.outbox(),
      fire.key,
      fire.slot,
      fire.nextRunAt ?? "",
      fire.counted ? "1" : "0",
    ]);
    return fired === 1;
  }
}
