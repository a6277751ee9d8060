// Heartbeats the leases of a worker's running jobs in one batched call, and reports the ones it lost.
import type { Backend } from "../backend/contract.js";
import type { LockRef } from "../backend/records.js";
import { RepeatingPass } from "./repeating-pass.js";

/** Renews every held lock each lockMs/2; calls `onLost` for a lock the backend no longer honours. */
export class LockKeeper {
  /** By identity: the worker removes the object it added (a string key per job cost two concatenations). */
  private readonly held = new Set<LockRef>();
  private readonly beats: RepeatingPass;

  constructor(
    private readonly backend: Backend,
    private readonly lockMs: number,
    private readonly onLost: (lock: LockRef) => void,
    private readonly onError: (error: unknown) => void,
  ) {
    // Half the lease leaves one missed beat of slack before the lock expires.
    this.beats = new RepeatingPass(() => this.renew(), lockMs / 2, { keepsProcessAlive: true });
  }

  add(lock: LockRef): void {
    this.held.add(lock);
    this.beats.start();
  }

  remove(lock: LockRef): void {
    this.held.delete(lock);
    if (this.held.size === 0) this.beats.clear();
  }

  private async renew(): Promise<void> {
    const locks = [...this.held];
    if (locks.length === 0) return;
    try {
      const lost = new Set((await this.backend.extendLocks(locks, this.lockMs)).map(key));
      if (lost.size === 0) return;
      for (const lock of locks) {
        if (lost.has(key(lock)) && this.held.delete(lock)) this.onLost(lock);
      }
    } catch (error) {
      // The next beat retries; the lease outlives one failed beat.
      this.onError(error);
    }
  }

  /** Stops heartbeats and waits for one in flight. Idempotent. */
  async close(): Promise<void> {
    this.held.clear();
    await this.beats.stop();
  }
}

function key(lock: LockRef): string {
  return `${lock.queue}\u0000${lock.id}\u0000${lock.token}`;
}
