// Everything the memory backend keeps for one queue, and the single place a job changes state.
import type { JobRecord, NewJobRecord } from "../records.js";
import { JOB_STATES, type JobState } from "../../job/job-state.js";
import { DelayHeap } from "./delay-heap.js";
import { ReadyIndex } from "./ready-index.js";

/** A stored job: the record plus ordering and stall bookkeeping. */
export interface StoredJob extends JobRecord {
  seq: number;
  /** Bumped on every entry to waiting/delayed, so stale index entries can be recognised. */
  stamp: number;
  maxStalledCount: number;
}

/** One queue's jobs and indexes. */
export class QueueState {
  readonly jobs = new Map<string, StoredJob>();
  /** Ids per state, in the order they entered it (so finished states are in finish order). */
  readonly byState = Object.fromEntries(JOB_STATES.map((state) => [state, new Set<string>()])) as Record<
    JobState,
    Set<string>
  >;
  readonly ready = new ReadyIndex();
  readonly delayed = new DelayHeap();
  readonly dedupe = new Map<string, string>();
  readonly logs = new Map<string, string[]>();
  /** Ready jobs whose delivery is not yet confirmed (outbox mode): id → leased until (ms). */
  readonly outbox = new Map<string, number>();
  paused = false;
  /** Claim times within the limiter's last `duration` ms, oldest first. */
  limiterStarts: number[] = [];

  constructor(readonly name: string) {}

  /** Adds a new job in its entry state. */
  insert(job: StoredJob): void {
    this.jobs.set(job.id, job);
    if (job.opts.dedupe) this.dedupe.set(job.opts.dedupe.key, job.id);
    this.byState[job.state].add(job.id);
    this.index(job);
  }

  /** Moves a job to `state`, keeping the state sets and indexes in step. */
  move(job: StoredJob, state: JobState): void {
    this.byState[job.state].delete(job.id);
    job.state = state;
    this.byState[state].add(job.id);
    this.index(job);
  }

  /** Deletes a job and everything that points at it. */
  delete(job: StoredJob): void {
    this.byState[job.state].delete(job.id);
    this.jobs.delete(job.id);
    this.logs.delete(job.id);
    this.outbox.delete(job.id);
    if (job.opts.dedupe && this.dedupe.get(job.opts.dedupe.key) === job.id)
      this.dedupe.delete(job.opts.dedupe.key);
    job.stamp += 1;
  }

  /** Whether an index entry still describes the job's current waiting/delayed stint. */
  isLive(entry: { id: string; stamp: number }, state: JobState): boolean {
    const job = this.jobs.get(entry.id);
    return job !== undefined && job.stamp === entry.stamp && job.state === state;
  }

  private index(job: StoredJob): void {
    if (job.state === "waiting") {
      job.stamp += 1;
      this.ready.push(job.opts.priority, { id: job.id, seq: job.seq, stamp: job.stamp });
    } else if (job.state === "delayed") {
      job.stamp += 1;
      this.delayed.push({ id: job.id, seq: job.seq, stamp: job.stamp, runAt: job.runAt });
    }
  }
}

/** A new job's stored form, before the backend routes it to its first state. */
export function newStoredJob(record: NewJobRecord, seq: number): StoredJob {
  return {
    ...record,
    state: "waiting",
    attemptsMade: 0,
    stalledCount: 0,
    progress: undefined,
    returnValue: undefined,
    failedReason: undefined,
    stacktrace: [],
    readyAt: undefined,
    processedAt: undefined,
    finishedAt: undefined,
    workerId: undefined,
    lockToken: undefined,
    lockExpiresAt: undefined,
    cancelRequested: false,
    seq,
    stamp: 0,
    maxStalledCount: 1,
  };
}
