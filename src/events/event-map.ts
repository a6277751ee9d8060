// Event payloads as users receive them: one typed map per emitter.
import type { QueueEventName, QueueEventRecord } from "../backend/records.js";
import { parseJson } from "../core/serializer.js";

/** An event from QueueEvents: the stored record with `value` parsed into `returnValue` or `progress`. */
export interface QueueEvent extends Omit<QueueEventRecord, "value"> {
  /** The job's result, on `completed`. */
  returnValue?: unknown;
  /** The reported progress, on `progress`. */
  progress?: unknown;
}

/** Every QueueEvents event name maps to one QueueEvent argument; `error` carries an Error. */
export type QueueEventsEventMap = { [K in QueueEventName]: [QueueEvent] } & { error: [Error] };

/** Parses a backend event record into the public event. */
export function toQueueEvent(record: QueueEventRecord): QueueEvent {
  const { value, ...rest } = record;
  if (value === undefined) return rest;
  if (record.event === "completed") return { ...rest, returnValue: parseJson(value) };
  if (record.event === "progress") return { ...rest, progress: parseJson(value) };
  return rest;
}
