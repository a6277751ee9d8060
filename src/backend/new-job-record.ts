// The stored form of a job just created from what the public layer sent: every backend that builds it in
// JavaScript (memory, and Redis from its enqueue reply) uses this one shape.
import type { JobState } from "../model/job-state.js";
import type { JobRecord, NewJobRecord } from "./records.js";

/** A new job in its entry state. Every field written out: a spread of `record` cost a sixth of the memory backend's CPU. */
export function newJobRecord(record: NewJobRecord, state: JobState, readyAt: number | undefined): JobRecord {
  return {
    id: record.id,
    queue: record.queue,
    name: record.name,
    data: record.data,
    opts: record.opts,
    createdAt: record.createdAt,
    runAt: record.runAt,
    parent: record.parent,
    trace: record.trace,
    state,
    attemptsMade: 0,
    stalledCount: 0,
    progress: undefined,
    returnValue: undefined,
    failedReason: undefined,
    stacktrace: [],
    readyAt,
    processedAt: undefined,
    finishedAt: undefined,
    workerId: undefined,
    lockToken: undefined,
    lockExpiresAt: undefined,
    cancelRequested: false,
  };
}
