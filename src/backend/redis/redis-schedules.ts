// Schedules on Redis: one hash per queue (`{prefix:queue}:schedules`, key → JSON). Every change is a script that
// also keeps the pending slot job (a delayed job due at the next run) in step, atomically.
import type { Redis } from "ioredis";
import type { Clock } from "../../core/clock.js";
import type { ScheduleFire, ScheduleRecord } from "../records.js";
import type { RedisKeys } from "./keys.js";
import { decodeSchedule, encodeSchedule } from "./record-codec.js";
import type { ScriptName } from "./script-runner.js";

/** What the schedule operations need from the backend. */
export interface RedisScheduleContext {
  client: Redis;
  keys: RedisKeys;
  clock: Clock;
  /** "1" when ready jobs go to a transport's outbox (read at each call: a transport turns it on). */
  outbox: () => string;
  run(name: ScriptName, queue: string, args: Array<string | number>): Promise<unknown>;
  register(queue: string): Promise<void>;
  assertOpen(): void;
}

export class RedisSchedules {
  constructor(private readonly ctx: RedisScheduleContext) {}

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
