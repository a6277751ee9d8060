// The Worker's event map.
import type { Job, JobProgress } from "../job/job.js";

/** Events a Worker emits, with their arguments. */
export type WorkerEventMap<Data, Result> = {
  /** A job started on this worker. */
  active: [job: Job<Data, Result>];
  /** A job completed on this worker. */
  completed: [job: Job<Data, Result>, result: Result];
  /** A try failed on this worker (emitted for every failed try; `job.attemptsMade` tells which). */
  failed: [job: Job<Data, Result>, error: Error];
  /** A job running on this worker was cancelled. */
  cancelled: [job: Job<Data, Result>, reason: string];
  /** A job running on this worker reported progress. */
  progress: [job: Job<Data, Result>, progress: JobProgress];
  /** A job of this worker's queues stalled (its lease expired) and was recovered. */
  stalled: [jobId: string, queue: string];
  /** The worker found no job to run after having run some. */
  drained: [];
  /** Something went wrong outside a job (backend errors while fetching, heartbeats, finishing). */
  error: [error: Error];
  /** The worker has closed. */
  closed: [];
};
