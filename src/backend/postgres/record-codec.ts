// A jobs-table row to a JobRecord (bigint columns arrive as strings).
import type { JobState } from "../../model/job-state.js";
import type { JobRecord, StoredJobOptions } from "../records.js";

/** A row of the jobs table as pg returns it. */
export interface JobRow {
  queue: string;
  id: string;
  seq: string;
  name: string;
  data: string;
  opts: StoredJobOptions;
  state: JobState;
  priority: number;
  created_at: string;
  run_at: string;
  attempts_made: number;
  stalled_count: number;
  max_stalled: number;
  progress: string | null;
  return_value: string | null;
  failed_reason: string | null;
  stacktrace: string[];
  ready_at: string | null;
  processed_at: string | null;
  finished_at: string | null;
  worker_id: string | null;
  lock_token: string | null;
  lock_expires_at: string | null;
  cancel_requested: boolean;
  depends_on: string[];
  group_id: string | null;
  traceparent: string | null;
  tracestate: string | null;
  /** A flow child's parent, "queue:id" (008_parent.sql). */
  parent: string | null;
}

const num = (value: string | null): number | undefined => (value === null ? undefined : Number(value));
const text = (value: string | null): string | undefined => value ?? undefined;

/** Converts a row into the record that crosses the backend seam. */
export function decodeRow(row: JobRow): JobRecord {
  return {
    id: row.id,
    queue: row.queue,
    name: row.name,
    data: row.data,
    opts: row.opts,
    createdAt: Number(row.created_at),
    runAt: Number(row.run_at),
    state: row.state,
    attemptsMade: row.attempts_made,
    stalledCount: row.stalled_count,
    progress: text(row.progress),
    returnValue: text(row.return_value),
    failedReason: text(row.failed_reason),
    stacktrace: row.stacktrace,
    readyAt: num(row.ready_at),
    processedAt: num(row.processed_at),
    finishedAt: num(row.finished_at),
    workerId: text(row.worker_id),
    lockToken: text(row.lock_token),
    lockExpiresAt: num(row.lock_expires_at),
    cancelRequested: row.cancel_requested,
    ...decodeTrace(row),
    ...(row.parent === null || row.parent === undefined ? {} : { parent: parentOf(row.parent) }),
  };
}

/** "queue:id" → the parent reference (a queue name has no colon; an id may). */
function parentOf(ref: string): { queue: string; id: string } {
  const colon = ref.indexOf(":");
  return { queue: ref.slice(0, colon), id: ref.slice(colon + 1) };
}

/** The record's `trace`, when the row has one (a spread: most jobs carry none, and add no key). */
function decodeTrace(row: JobRow): Pick<JobRecord, "trace"> | undefined {
  if (row.traceparent === null) return undefined;
  return {
    trace:
      row.tracestate === null
        ? { traceparent: row.traceparent }
        : { traceparent: row.traceparent, tracestate: row.tracestate },
  };
}
