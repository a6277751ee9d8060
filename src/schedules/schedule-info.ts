// The public view of a stored schedule.
import type { ScheduleRecord, StoredJobOptions } from "../backend/records.js";

/** A schedule as `queue.getSchedules()` returns it. */
export interface ScheduleInfo<Data = unknown> {
  key: string;
  queueName: string;
  every: number | undefined;
  cron: string | undefined;
  tz: string | undefined;
  /** The job each slot adds. */
  name: string;
  data: Data;
  opts: StoredJobOptions;
  limit: number | undefined;
  startDate: Date | undefined;
  endDate: Date | undefined;
  /** When the next slot fires; undefined once the schedule has ended (limit or endDate reached). */
  nextRunAt: Date | undefined;
  /** Slots fired so far. */
  count: number;
  paused: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** Turns a stored record into the public view. */
export function toScheduleInfo<Data>(record: ScheduleRecord): ScheduleInfo<Data> {
  const date = (ms: number | undefined): Date | undefined => (ms === undefined ? undefined : new Date(ms));
  return {
    key: record.key,
    queueName: record.queue,
    every: record.every,
    cron: record.cron,
    tz: record.tz,
    name: record.name,
    data: JSON.parse(record.data) as Data,
    opts: record.opts,
    limit: record.limit,
    startDate: date(record.startDate),
    endDate: date(record.endDate),
    nextRunAt: date(record.nextRunAt),
    count: record.count,
    paused: record.paused,
    createdAt: new Date(record.createdAt),
    updatedAt: new Date(record.updatedAt),
  };
}
