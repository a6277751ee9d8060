// Records to and from their Redis forms: job hashes, enqueue payloads, schedule JSON; Lua errors to Warren errors.
import { ConflictError, jobNotFound, ValidationError } from "../../errors/warren-error.js";
import type { JobState } from "../../model/job-state.js";
import { newJobRecord } from "../new-job-record.js";
import type { EnqueueResult, JobRecord, NewJobRecord, ScheduleRecord, StoredJobOptions } from "../records.js";

/**
 * Parses a job hash into a record: a flat [field, value, …] array from HGETALL, or the hash as one JSON object
 * (what the claim scripts return: one string per job decodes far faster than forty reply items).
 */
export function decodeRecord(source: unknown): JobRecord {
  let fields: Record<string, string | undefined>;
  if (typeof source === "string") {
    fields = JSON.parse(source) as Record<string, string>;
  } else {
    fields = {};
    const list = source as string[];
    for (let i = 0; i < list.length; i += 2) fields[list[i]!] = list[i + 1];
  }
  const text = (key: string): string | undefined => fields[key];
  const num = (key: string): number | undefined => {
    const value = fields[key];
    return value === undefined ? undefined : Number(value);
  };
  return {
    id: text("id")!,
    queue: text("queue")!,
    name: text("name")!,
    data: text("data")!,
    opts: JSON.parse(text("opts")!) as StoredJobOptions,
    createdAt: num("createdAt")!,
    runAt: num("runAt")!,
    state: text("state") as JobState,
    attemptsMade: num("attemptsMade") ?? 0,
    stalledCount: num("stalledCount") ?? 0,
    progress: text("progress"),
    returnValue: text("returnValue"),
    failedReason: text("failedReason"),
    stacktrace: JSON.parse(text("stacktrace") ?? "[]") as string[],
    readyAt: num("readyAt"),
    processedAt: num("processedAt"),
    finishedAt: num("finishedAt"),
    workerId: text("workerId"),
    lockToken: text("lockToken"),
    lockExpiresAt: num("lockExpiresAt"),
    cancelRequested: text("cancelRequested") === "1",
    ...decodeTrace(text("traceparent"), text("tracestate")),
    ...decodeParent(text("parent")),
  };
}

/** A flow child's `parent`, stored as "queue:id" (a queue name has no colon; an id may). */
function decodeParent(ref: string | undefined): Pick<JobRecord, "parent"> | undefined {
  if (ref === undefined) return undefined;
  const colon = ref.indexOf(":");
  return { parent: { queue: ref.slice(0, colon), id: ref.slice(colon + 1) } };
}

/** The record's `trace`, when the job hash has one (a spread: most jobs carry none, and add no key). */
function decodeTrace(
  traceparent: string | undefined,
  tracestate: string | undefined,
): Pick<JobRecord, "trace"> | undefined {
  if (traceparent === undefined) return undefined;
  return { trace: tracestate === undefined ? { traceparent } : { traceparent, tracestate } };
}

/** Translates a script's error reply into a typed WarrenError; other errors pass through. */
export function translateScriptError(error: unknown, queue: string, id?: string): unknown {
  if (!(error instanceof Error)) return error;
  const message = error.message.replace(/^ERR\s+/, "");
  if (message.startsWith("INVALID_DEPENDENCY")) {
    const ref = message.split(" ")[1] ?? "";
    return new ValidationError(
      "INVALID_OPTION",
      `dependsOn names job ${ref}, which does not exist; add it first or in the same addBulk`,
      { details: { dependency: ref } },
    );
  }
  if (message.startsWith("NOT_FOUND")) return jobNotFound(queue, id ?? "");
  if (message.startsWith("CONFLICT")) {
    const detail = message.slice("CONFLICT".length).trim();
    return new ConflictError("CONFLICT", conflictMessage(detail, queue, id));
  }
  return error;
}

function conflictMessage(detail: string, queue: string, id: string | undefined): string {
  if (detail === "active") return `job ${id ?? ""} is active; cancel it first or wait for it to finish`;
  if (/^\d+ active$/.test(detail)) {
    return `queue "${queue}" has ${detail} job(s); wait for them or pass { force: true }`;
  }
  return `job ${id ?? ""} is ${detail}; that operation does not apply in this state`;
}

/** A record as the enqueue scripts read it: opts as JSON text (see enqueueRecords in scripts/lib/enqueue.lua). */
export function toEnqueuePayload(record: NewJobRecord): Record<string, unknown> {
  return {
    queue: record.queue,
    id: record.id,
    name: record.name,
    data: record.data,
    opts: JSON.stringify(record.opts),
    createdAt: record.createdAt,
    runAt: record.runAt,
    traceparent: record.trace?.traceparent,
    tracestate: record.trace?.tracestate,
    parent: record.parent && `${record.parent.queue}:${record.parent.id}`,
  };
}

/** A schedule as the Redis scripts store it: opts as JSON text, so Lua's cjson never rewrites them. */
export function encodeSchedule(schedule: ScheduleRecord): string {
  return JSON.stringify({ ...schedule, opts: JSON.stringify(schedule.opts) });
}

export function decodeSchedule(stored: string): ScheduleRecord {
  const raw = JSON.parse(stored) as Omit<ScheduleRecord, "opts"> & { opts: string };
  return { ...raw, opts: JSON.parse(raw.opts) as ScheduleRecord["opts"] };
}

/** enqueue-jobs' reply per record: new (entry state, readyAt), or the existing / failed-at-once job's hash. */
export type EnqueueReply = Array<[1, JobState, number | ""] | [0 | 2, string[]]>;

/** One record's enqueue result from its entry of an enqueue-jobs reply. */
export function decodeEnqueueReply(record: NewJobRecord, entry: EnqueueReply[number]): EnqueueResult {
  // A new job's record is what was sent plus its entry state: no HGETALL back for every job of a batch.
  return entry[0] === 1
    ? {
        record: newJobRecord(record, entry[1], entry[2] === "" ? undefined : Number(entry[2])),
        created: true,
      }
    : { record: decodeRecord(entry[1]), created: entry[0] === 2 };
}
