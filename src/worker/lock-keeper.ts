// Heartbeats the leases of a worker's running jobs in one batched call, and reports the ones it lost.
import type { Backend } from "../backend/contract.js";
import type { LockRef } from "../backend/records.js";
import { RepeatingPass } from "./repeating-pass.js";

/**
 * Renews every lock `held()` lists each lockMs/2; calls `onLost` once for a lock the backend no longer
 * honours. The locks are read from the worker's own table of running tries when a beat comes, not kept in a set
 * of their own: a second set with an add and a delete per job was churn.
 */
export class LockKeeper {
  private readonly beats: RepeatingPass;
  /** Lost locks already reported, by identity: a try stays running (and listed) until its processor returns. */
  private readonly reported = new WeakSet<LockRef>();
  private closed = false;

  constructor(
    private readonly backend: Backend,
    private readonly lockMs: number,
    private readonly held: () => Iterable<LockRef>,
    private readonly onLost: (lock: LockRef) => void,
    private readonly onError: (error: unknown) => void,
  ) {
    // Half the lease leaves one missed beat of slack before the lock expires.
    this.beats = new RepeatingPass(() => this.renew(), lockMs / 2, { keepsProcessAlive: true });
  }

  /** The worker holds a lock: beats run (from one half-lease from now, if they were not running). */
  holding(): void {
    if (!this.closed) this.beats.start();
  }

  /** The worker holds no lock: beats pause until it holds one again. */
  idle(): void {
    this.beats.clear();
  }

  private async renew(): Promise<void> {
    const locks = [...this.held()].filter((lock) => !this.reported.has(lock));
    if (locks.length === 0) return;
    try {
      const lost = new Set((await this.backend.extendLocks(locks, this.lockMs)).map(key));
      if (lost.size === 0 || this.closed) return;
      for (const lock of locks) {
        if (!lost.has(key(lock)) || this.reported.has(lock)) continue;
        this.reported.add(lock);
        this.onLost(lock);
      }
    } catch (error) {
      // The next beat retries; the lease outlives one failed beat.
      this.onError(error);
    }
  }

  /** Stops heartbeats and waits for one in flight. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    await this.beats.stop();
  }
}

function key(lock: LockRef): string {
  return `${lock.queue}\u0000${lock.id}\u0000${lock.token}`;
}
