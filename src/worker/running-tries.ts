// The tries a worker holds: an array with swap-removal, not a Map keyed by queue and id. A Map churned a hash
// table (and built a key string) per job; the lookups by job are rare (a cancel request, a lost lock) and scan at
// most a few times `concurrency` entries.

/** What the table needs of a try. */
export interface HeldTry {
  readonly lock: { readonly queue: string; readonly id: string };
  /** Where the try sits in the table; kept by the table. */
  slot: number;
}

/** The tries one worker holds, in no particular order. */
export class RunningTries<Try extends HeldTry> {
  private readonly tries: Try[] = [];

  get size(): number {
    return this.tries.length;
  }

  add(entry: Try): void {
    entry.slot = this.tries.length;
    this.tries.push(entry);
  }

  /** Removes `entry` (a no-op if it is not held). */
  remove(entry: Try): void {
    const { slot } = entry;
    if (this.tries[slot] !== entry) return;
    const last = this.tries.pop()!;
    if (last !== entry) {
      this.tries[slot] = last;
      last.slot = slot;
    }
  }

  /** The tries of job `id` in `queue`: one, or none; two only if a stalled try was claimed again meanwhile. */
  ofJob(queue: string, id: string): Try[] {
    return this.tries.filter((entry) => entry.lock.id === id && entry.lock.queue === queue);
  }

  /** A snapshot of every held try. */
  all(): Try[] {
    return this.tries.slice();
  }
}
