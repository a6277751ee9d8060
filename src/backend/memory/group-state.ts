// Fairness groups of one memory queue: each group's ready jobs, active count and limiter window, and the
// turn that orders groups round-robin (the group served longest ago goes next).
import type { GroupLimits } from "../records.js";
import { ReadyIndex, type ReadyEntry } from "./ready-index.js";

/** One group of a queue. */
export class GroupState {
  readonly ready = new ReadyIndex();
  active = 0;
  /** Claim times within the group limiter's window, oldest first. */
  limiterStarts: number[] = [];
  /** When this group was last served (a queue-wide counter); 0 = never, so a new group goes soon. */
  turn = 0;

  /** Whether the group's limits let another of its jobs start now. */
  allows(limits: GroupLimits | undefined, now: number): boolean {
    if (!limits) return true;
    if (limits.concurrency !== undefined && this.active >= limits.concurrency) return false;
    if (!limits.limiter) return true;
    const starts = this.limiterStarts;
    while (starts.length > 0 && starts[0]! <= now - limits.limiter.duration) starts.shift();
    return starts.length < limits.limiter.max;
  }

  /** When the group limiter frees a slot, if it is what holds the group back. */
  limiterResetAt(limits: GroupLimits | undefined): number | undefined {
    const oldest = this.limiterStarts[0];
    if (!limits?.limiter || oldest === undefined || this.limiterStarts.length < limits.limiter.max)
      return undefined;
    return oldest + limits.limiter.duration;
  }

  idle(isLive: (entry: ReadyEntry) => boolean): boolean {
    return this.active === 0 && this.ready.peek(isLive) === undefined;
  }
}

/** The next job a queue should serve: its lane, and the group it belongs to (none for ungrouped). */
export interface FairPick {
  entry: ReadyEntry;
  priority: number;
  index: ReadyIndex;
  group: GroupState | undefined;
}
