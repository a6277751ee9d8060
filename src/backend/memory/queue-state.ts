// Everything the memory backend keeps for one queue, and the single place a job changes state.
import type { GroupLimits, JobRecord, NewJobRecord } from "../records.js";
import { newJobRecord } from "../new-job-record.js";
import { GroupState, type FairPick } from "./group-state.js";
import { JOB_STATES, type JobState } from "../../model/job-state.js";
import { DelayHeap } from "./delay-heap.js";
import { ReadyIndex } from "./ready-index.js";

/** How soon a transport retries a delivery whose group is at its concurrency limit. */
export const GROUP_BUSY_RETRY_MS = 200;

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
  /** Stored jobs that have a ttl: without any, maintenance need not look for expired ones. */
  withTtl = 0;
  /** Claim times within the limiter's last `duration` ms, oldest first. */
  limiterStarts: number[] = [];
  /** Fairness groups by id; ungrouped jobs stay in `ready` and take turns as one more group. */
  readonly groups = new Map<string, GroupState>();
  private ungroupedTurn = 0;
  private turns = 0;

  constructor(readonly name: string) {}

  /** Adds a new job in its entry state. */
  insert(job: StoredJob): void {
    this.jobs.set(job.id, job);
    if (job.opts.ttl !== undefined) this.withTtl += 1;
    if (job.opts.dedupe) this.dedupe.set(job.opts.dedupe.key, job.id);
    this.byState[job.state].add(job.id);
    this.index(job);
  }

  /** Moves a job to `state`, keeping the state sets and indexes in step. */
  move(job: StoredJob, state: JobState): void {
    this.leave(job, state);
    this.byState[state].add(job.id);
    this.index(job);
  }

  /**
   * Moves a job to a finished state it is deleted from before anything can read the sets (removeOnComplete:
   * true): it never joins that state's set, which would only be churn.
   */
  moveUnlisted(job: StoredJob, state: "completed" | "failed"): void {
    this.leave(job, state);
  }

  /** The job leaves its state's set for `state` (its group's active count kept in step). */
  private leave(job: StoredJob, state: JobState): void {
    this.byState[job.state].delete(job.id);
    this.countActive(job, state);
    job.state = state;
  }

  /** Deletes a job and everything that points at it. */
  delete(job: StoredJob): void {
    this.byState[job.state].delete(job.id);
    this.countActive(job, "removed");
    this.jobs.delete(job.id);
    if (job.opts.ttl !== undefined) this.withTtl -= 1;
    this.logs.delete(job.id);
    this.outbox.delete(job.id);
    if (job.opts.dedupe && this.dedupe.get(job.opts.dedupe.key) === job.id)
      this.dedupe.delete(job.opts.dedupe.key);
    job.stamp += 1;
  }

  private readonly isLiveWaiting = (entry: { job: StoredJob; stamp: number }): boolean =>
    this.isLive(entry, "waiting");

  /**
   * Whether an index entry still describes the job's current waiting/delayed stint. A deleted job's stamp was
   * bumped, so its entries are dead even if a new job took its id.
   */
  isLive(entry: { job: StoredJob; stamp: number }, state: JobState): boolean {
    return entry.job.stamp === entry.stamp && entry.job.state === state;
  }

  /**
   * The job to serve next: of the ungrouped head and each group's head whose limits allow, the one whose
   * group was served longest ago (round-robin); inside a group, priority then FIFO.
   */
  fairPick(limits: GroupLimits | undefined, now: number): FairPick | undefined {
    const isLive = this.isLiveWaiting;
    const head = this.ready.peek(isLive);
    // Without groups the ungrouped head is the pick: the common case, kept free of the round-robin walk.
    if (this.groups.size === 0) {
      return head && { entry: head.entry, priority: head.priority, index: this.ready, group: undefined };
    }
    let best: FairPick | undefined;
    let bestTurn = Infinity;
    if (head) {
      best = { ...head, index: this.ready, group: undefined };
      bestTurn = this.ungroupedTurn;
    }
    for (const [id, group] of this.groups) {
      if (group.turn >= bestTurn || !group.allows(limits, now)) continue;
      const groupHead = group.ready.peek(isLive);
      if (groupHead) {
        best = { ...groupHead, index: group.ready, group };
        bestTurn = group.turn;
      } else if (group.idle(isLive)) {
        this.groups.delete(id);
      }
    }
    return best;
  }

  /** A pick was claimed: its group goes to the back of the round and counts the start. */
  served(pick: FairPick, limits: GroupLimits | undefined, now: number): void {
    this.turns += 1;
    if (!pick.group) {
      this.ungroupedTurn = this.turns;
      return;
    }
    pick.group.turn = this.turns;
    if (limits?.limiter) pick.group.limiterStarts.push(now);
  }

  /**
   * For a transport's claim of one job: undefined when its group's limits let it start (and the start is
   * counted), else when to try again.
   */
  claimInGroup(job: StoredJob, limits: GroupLimits | undefined, now: number): number | undefined {
    if (job.opts.group === undefined || !limits) return undefined;
    const group = this.group(job.opts.group);
    if (!group.allows(limits, now)) return group.limiterResetAt(limits) ?? now + GROUP_BUSY_RETRY_MS;
    if (limits.limiter) group.limiterStarts.push(now);
    return undefined;
  }

  /** Earliest time a group limiter frees a slot for a group with ready jobs. */
  groupLimiterResetAt(limits: GroupLimits | undefined): number | undefined {
    let earliest: number | undefined;
    for (const group of this.groups.values()) {
      const at = group.limiterResetAt(limits);
      if (at !== undefined) earliest = Math.min(earliest ?? Infinity, at);
    }
    return earliest;
  }

  private group(id: string): GroupState {
    let group = this.groups.get(id);
    if (!group) this.groups.set(id, (group = new GroupState()));
    return group;
  }

  private countActive(job: StoredJob, next: JobState | "removed"): void {
    const id = job.opts.group;
    if (id === undefined || (job.state === "active") === (next === "active")) return;
    this.group(id).active += next === "active" ? 1 : -1;
  }

  private index(job: StoredJob): void {
    if (job.state === "waiting") {
      job.stamp += 1;
      const ready = job.opts.group === undefined ? this.ready : this.group(job.opts.group).ready;
      ready.push(job.opts.priority, { job, seq: job.seq, stamp: job.stamp });
    } else if (job.state === "delayed") {
      job.stamp += 1;
      this.delayed.push({ job, seq: job.seq, stamp: job.stamp, runAt: job.runAt });
    }
  }
}

/** A new job's stored form, before the backend routes it to its first state. */
export function newStoredJob(record: NewJobRecord, seq: number): StoredJob {
  return Object.assign(newJobRecord(record, "waiting", undefined), { seq, stamp: 0, maxStalledCount: 1 });
}
