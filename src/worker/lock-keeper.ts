// Heartbeats the leases of a worker's running jobs in one batched call, and reports the ones it lost.
import type { Backend } from "../backend/contract.js";
import type { LockRef } from "../backend/records.js";

/** Renews every held lock each lockMs/2; calls `onLost` for a lock the backend no longer honours. */
export class LockKeeper {
  /** By identity: the worker removes the object it added (a string key per job cost two concatenations). */
  private readonly held = new Set<LockRef>();
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> = Promise.resolve();
  private inFlight = false;

  constructor(
    private readonly backend: Backend,
    private readonly lockMs: number,
    private readonly onLost: (lock: LockRef) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  add(lock: LockRef): void {
    this.held.add(lock);
    // Half the lease leaves one missed beat of slack before the lock expires.
    this.timer ??= setInterval(() => {
      // A renewal slower than the beat skips beats rather than queueing them up.
      if (this.inFlight) return;
      this.inFlight = true;
      this.renewing = this.renew().finally(() => (this.inFlight = false));
    }, this.lockMs / 2);
  }

  remove(lock: LockRef): void {
    this.held.delete(lock);
    if (this.held.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
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
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.held.clear();
    await this.renewing;
  }
}

function key(lock: LockRef): string {
  return `${lock.queue}\u0000${lock.id}\u0000${lock.token}`;
}
