// Ready jobs of one queue ordered by (priority, sequence): ten FIFO lanes, O(1) push and pop.
// Entries are removed lazily: a popped entry whose job is no longer ready under that stamp is skipped.
import type { StoredJob } from "./queue-state.js";

/** One entry of a lane. */
export interface ReadyEntry {
  /** The job itself, not its id: checking an entry is then no lookup in the queue's map of jobs. */
  job: StoredJob;
  seq: number;
  /** Changes each time the job re-enters waiting; a stale stamp marks a lazily deleted entry. */
  stamp: number;
}

const PRIORITY_LANES = 10;

class Lane {
  private items: ReadyEntry[] = [];
  private head = 0;

  push(entry: ReadyEntry): void {
    this.items.push(entry);
  }

  peek(): ReadyEntry | undefined {
    return this.items[this.head];
  }

  shift(): void {
    this.head += 1;
    // Compact once the consumed prefix dominates, keeping memory bounded in long runs.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

/** Ready jobs by priority lane; `isLive` says whether an entry still stands. */
export class ReadyIndex {
  private readonly lanes = Array.from({ length: PRIORITY_LANES }, () => new Lane());

  push(priority: number, entry: ReadyEntry): void {
    this.lanes[priority - 1]!.push(entry);
  }

  /** The head of the highest-priority non-empty lane, skipping dead entries. */
  peek(isLive: (entry: ReadyEntry) => boolean): { entry: ReadyEntry; priority: number } | undefined {
    for (let p = 0; p < PRIORITY_LANES; p++) {
      const lane = this.lanes[p]!;
      let head = lane.peek();
      while (head && !isLive(head)) {
        lane.shift();
        head = lane.peek();
      }
      if (head) return { entry: head, priority: p + 1 };
    }
    return undefined;
  }

  /** Removes the head of a lane (after a successful peek). */
  shift(priority: number): void {
    this.lanes[priority - 1]!.shift();
  }
}
