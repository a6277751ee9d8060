// Schedules on Redis: one hash per queue (`{prefix:queue}:schedules`, key → JSON). Upsert, pause and fire are
// scripts, so a slot's compare-and-set and its job's add are one atomic step.
import type { Redis } from "ioredis";
import type { Clock } from "../../core/clock.js";
import type { ScheduleFire, ScheduleRecord } from "../records.js";
import type { RedisKeys } from "./keys.js";
import { decodeSchedule, encodeSchedule, toEnqueuePayload } from "./record-codec.js";
import type { ScriptName } from "./script-runner.js";

/** What the schedule operations need from the backend. */
export interface RedisScheduleContext {
  client: Redis;
  keys: RedisKeys;
  clock: Clock;
  /** "1" when ready jobs go to a transport's outbox. */
  outbox: string;
  run(name: ScriptName, queue: string, args: Array<string | number>): Promise<unknown>;
  register(queue: string): Promise<void>;
  assertOpen(): void;
}

export class RedisSchedules {
  constructor(private readonly ctx: RedisScheduleContext) {}

  async upsert(schedule: ScheduleRecord): Promise<ScheduleRecord> {
    const [, stored] = await Promise.all([
      this.ctx.register(schedule.queue),
      this.ctx.run("upsert-schedule", schedule.queue, [schedule.key, encodeSchedule(schedule)]),
    ]);
    return decodeSchedule(stored as string);
  }

  async list(queue: string): Promise<ScheduleRecord[]> {
    this.ctx.assertOpen();
    const stored = await this.ctx.client.hvals(`${this.ctx.keys.base(queue)}schedules`);
    return stored.map(decodeSchedule).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async remove(queue: string, key: string): Promise<boolean> {
    this.ctx.assertOpen();
    return (await this.ctx.client.hdel(`${this.ctx.keys.base(queue)}schedules`, key)) === 1;
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
    ]);
    return typeof stored === "string" ? decodeSchedule(stored) : undefined;
  }

  async fire(fire: ScheduleFire): Promise<boolean> {
    const fired = await this.ctx.run("fire-schedule", fire.queue, [
      this.ctx.clock.now(),
      this.ctx.outbox,
      fire.key,
      fire.slot,
      fire.nextRunAt ?? "",
      JSON.stringify(toEnqueuePayload(fire.job)),
    ]);
    return fired === 1;
  }
}
