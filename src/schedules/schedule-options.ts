// queue.schedule(key, timing, options): the public shapes, their strict schemas, and the stored record.
import { z } from "zod";
import type { ScheduleRecord } from "../backend/records.js";
import { serializeData } from "../core/serializer.js";
import { zodIssueMessage } from "../core/zod-message.js";
import { ValidationError } from "../errors/warren-error.js";
import { resolveJobOptions, validateJobOptions, type JobOptions } from "../model/job-options.js";
import { compileCron, SlotCalculator, type ScheduleTiming } from "./schedule-timing.js";

/** How often a schedule fires: a fixed interval in ms, or a cron pattern in a time zone (default UTC). */
export type SchedulePattern = { every: number } | { cron: string; tz?: string };

/** The job each slot adds, and the schedule's bounds. */
export interface ScheduleOptions<Data = unknown> {
  /** The job name of every slot's job. */
  name: string;
  data?: Data;
  /** Options of every slot's job; not `jobId`, `delay`, `runAt` or `dependsOn`, which a slot decides. */
  opts?: JobOptions;
  /** Fire at most this many slots, then end. @defaultValue no limit */
  limit?: number;
  /** No slot before this time. @defaultValue now */
  startDate?: Date | number;
  /** No slot after this time. @defaultValue never ends */
  endDate?: Date | number;
  /** Fire the first slot now rather than one interval (or cron match) from now. @defaultValue false */
  immediately?: boolean;
}

export const MAX_SCHEDULE_KEY_LENGTH = 200;
/** Shortest interval: below this a schedule is a busy loop, not a schedule. */
export const MIN_EVERY_MS = 10;

const time = (key: string) =>
  z.union([z.date(), z.number().finite()], {
    error: `${key} must be a Date or a time in ms since the epoch`,
  });

const patternSchema = z.union(
  [
    z.strictObject({
      every: z
        .number({ error: "every must be a number of ms" })
        .int({ error: "every must be a whole number of ms" })
        .min(MIN_EVERY_MS, { error: `every must be at least ${MIN_EVERY_MS} ms` }),
    }),
    z.strictObject({
      cron: z.string({ error: "cron must be a string" }).min(1, { error: "cron must not be empty" }),
      tz: z.string({ error: "tz must be an IANA time zone name" }).optional(),
    }),
  ],
  { error: "the schedule pattern must be { every: ms } or { cron, tz? }" },
);

const optionsSchema = z.strictObject({
  name: z.string({ error: "name (the job name) is required" }).min(1, { error: "name must not be empty" }),
  data: z.unknown().optional(),
  opts: z.unknown().optional(),
  limit: z
    .number({ error: "limit must be a number" })
    .int({ error: "limit must be a whole number" })
    .min(1, { error: "limit must be at least 1" })
    .optional(),
  startDate: time("startDate").optional(),
  endDate: time("endDate").optional(),
  immediately: z.boolean({ error: "immediately must be a boolean" }).optional(),
});

/** Options a slot decides for itself; a template that sets them is refused. */
const SLOT_OWNED = ["jobId", "delay", "runAt", "dependsOn"] as const;

/** Everything `schedule()` needs from its validated input. */
export interface ScheduleInput {
  key: string;
  queue: string;
  pattern: SchedulePattern;
  options: ScheduleOptions;
  defaults: JobOptions;
  maxPayloadBytes: number;
  now: number;
}

/** Validates a `schedule()` call and builds the record to upsert (with its first slot). */
export function buildSchedule(input: ScheduleInput): ScheduleRecord {
  const key = checkScheduleKey(input.key);
  const pattern = parse(patternSchema, input.pattern, "schedule pattern");
  const options = parse(optionsSchema, input.options, "schedule options");
  const opts = validateJobOptions(options.opts, "schedule opts");
  const owned = SLOT_OWNED.filter((name) => opts[name] !== undefined);
  if (owned.length > 0) {
    throw new ValidationError(
      "INVALID_OPTION",
      `schedule opts cannot set ${owned.join(", ")}: each slot's job id and run time come from the schedule`,
    );
  }
  const timing: ScheduleTiming = {
    every: "every" in pattern ? pattern.every : undefined,
    cron: "cron" in pattern ? pattern.cron.trim() : undefined,
    tz: "cron" in pattern ? pattern.tz : undefined,
    startDate: toMs(options.startDate),
    endDate: toMs(options.endDate),
  };
  if (timing.cron !== undefined) compileCron(timing.cron, timing.tz);
  if (timing.startDate !== undefined && timing.endDate !== undefined && timing.endDate < timing.startDate) {
    throw new ValidationError("INVALID_OPTION", "endDate must not be before startDate");
  }
  const resolved = resolveJobOptions(opts, input.defaults, input.queue, input.now);
  const nextRunAt = new SlotCalculator(timing).first(input.now, options.immediately ?? false);
  return {
    queue: input.queue,
    key,
    ...timing,
    signature: scheduleSignature(timing),
    name: options.name,
    data: serializeData(options.data ?? null, input.maxPayloadBytes),
    // Every slot's job carries the key, so the worker that starts it moves the schedule on.
    opts: { ...resolved.stored, delay: 0, schedule: key },
    limit: options.limit,
    nextRunAt,
    count: 0,
    paused: false,
    createdAt: input.now,
    updatedAt: input.now,
  };
}

/** The timing as one comparable string. */
export function scheduleSignature(timing: ScheduleTiming): string {
  return JSON.stringify([timing.every, timing.cron, timing.tz, timing.startDate, timing.endDate]);
}

/** Throws unless `key` can name a schedule. */
export function checkScheduleKey(key: unknown): string {
  if (typeof key !== "string" || key.length === 0 || key.length > MAX_SCHEDULE_KEY_LENGTH) {
    throw new ValidationError(
      "INVALID_OPTION",
      `a schedule key must be a non-empty string of at most ${MAX_SCHEDULE_KEY_LENGTH} characters ` +
        `(got ${JSON.stringify(key)})`,
    );
  }
  return key;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ValidationError("INVALID_OPTION", `invalid ${where}: ${zodIssueMessage(result.error, value)}`);
  }
  return result.data;
}

function toMs(value: Date | number | undefined): number | undefined {
  return value instanceof Date ? value.getTime() : value;
}
