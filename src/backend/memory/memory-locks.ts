// Named locks for the memory backend: one process, so a map is atomic enough.
import type { Clock } from "../../core/clock.js";
import type { LockPrimitives } from "../../locks/lock.js";

interface HeldLock {
  token: string;
  expiresAt: number;
}

/** Locks held in this process, with fences that keep growing across acquisitions. */
export class MemoryLocks implements LockPrimitives {
  private readonly held = new Map<string, HeldLock>();
  private readonly fences = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  private current(key: string, token: string): HeldLock | undefined {
    const lock = this.held.get(key);
    return lock && lock.token === token && lock.expiresAt > this.clock.now() ? lock : undefined;
  }

  acquireLock(key: string, token: string, ttlMs: number): Promise<number | undefined> {
    const now = this.clock.now();
    const lock = this.held.get(key);
    if (lock && lock.expiresAt > now) return Promise.resolve(undefined);
    const fence = (this.fences.get(key) ?? 0) + 1;
    this.fences.set(key, fence);
    this.held.set(key, { token, expiresAt: now + ttlMs });
    return Promise.resolve(fence);
  }

  extendLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    const lock = this.current(key, token);
    if (lock) lock.expiresAt = this.clock.now() + ttlMs;
    return Promise.resolve(lock !== undefined);
  }

  releaseLock(key: string, token: string): Promise<boolean> {
    const lock = this.current(key, token);
    if (lock) this.held.delete(key);
    return Promise.resolve(lock !== undefined);
  }
}
