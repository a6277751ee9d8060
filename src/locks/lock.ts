// Named locks with fencing tokens, over three atomic primitives every backend implements. The fence grows by
// one at every acquisition of a key, so a resource can refuse writes from a holder whose lock was taken over.
import type { Clock } from "../core/clock.js";
import { randomToken } from "../core/ids.js";
import { LockError, ValidationError } from "../errors/warren-error.js";

/** Options for `backend.lock(key, options)`. */
export interface LockOptions {
  /** How long the lock holds unless extended (ms). */
  ttl: number;
  /** How long to keep trying while someone else holds it (ms). @defaultValue 0: try once */
  wait?: number;
}

/** The atomic lock primitives of a backend. Times are the backend clock's. */
export interface LockPrimitives {
  /** Takes `key` for `token` if free or expired; returns the new fencing token, or undefined when held. */
  acquireLock(key: string, token: string, ttlMs: number): Promise<number | undefined>;
  /** Pushes the expiry of a lock `token` still holds; false when it no longer holds it. */
  extendLock(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Frees a lock `token` still holds; false when it no longer holds it. */
  releaseLock(key: string, token: string): Promise<boolean>;
}

const MAX_KEY_LENGTH = 256;
const RETRY_MS = 50;

/** A held lock. Release it, extend it, or let `await using` release it. */
export class Lock {
  constructor(
    private readonly primitives: LockPrimitives,
    /** The lock's name. */
    readonly key: string,
    /** This holder's secret; only it can extend or release the lock. */
    readonly token: string,
    /** Grows at every acquisition of `key`: pass it to the guarded resource so stale holders are refused. */
    readonly fence: number,
    private ttl: number,
  ) {}

  /** Frees the lock. Throws LockError LOCK_LOST when it had expired or been taken over already. */
  async release(): Promise<void> {
    if (!(await this.primitives.releaseLock(this.key, this.token))) throw this.lost("release");
  }

  /** Holds the lock `ttl` ms (default: the ttl it was taken with) from now. Throws LOCK_LOST when lost. */
  async extend(ttl: number = this.ttl): Promise<void> {
    validateTtl(ttl);
    if (!(await this.primitives.extendLock(this.key, this.token, ttl))) throw this.lost("extend");
    this.ttl = ttl;
  }

  /** `await using lock = await backend.lock(…)`: released at the end of the block; a lost lock is not an error here. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.primitives.releaseLock(this.key, this.token);
  }

  private lost(action: string): LockError {
    return new LockError(
      "LOCK_LOST",
      `cannot ${action} lock ${JSON.stringify(this.key)}: it expired or another holder took it; ` +
        `its ttl must outlast the work, or extend() it while working`,
      { details: { key: this.key, fence: this.fence } },
    );
  }
}

/**
 * Takes `key`, trying for up to `options.wait` ms of `clock`'s time (the backend's: the one its lock expiries are
 * judged by). Throws LockError LOCK_HELD when it stays held.
 */
export async function acquireLock(
  primitives: LockPrimitives,
  key: string,
  options: LockOptions,
  clock: Clock,
): Promise<Lock> {
  if (typeof key !== "string" || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new ValidationError(
      "INVALID_OPTION",
      `lock key must be a string of 1–${MAX_KEY_LENGTH} characters`,
    );
  }
  validateTtl(options?.ttl);
  const wait = options.wait ?? 0;
  if (!Number.isInteger(wait) || wait < 0) {
    throw new ValidationError("INVALID_OPTION", `lock wait must be an integer >= 0 ms (got ${String(wait)})`);
  }
  const token = randomToken(16);
  const deadline = clock.now() + wait;
  for (;;) {
    const fence = await primitives.acquireLock(key, token, options.ttl);
    if (fence !== undefined) return new Lock(primitives, key, token, fence, options.ttl);
    if (clock.now() >= deadline) {
      throw new LockError(
        "LOCK_HELD",
        `lock ${JSON.stringify(key)} is held by another holder; try again later`,
        {
          details: { key },
        },
      );
    }
    await clock.sleep(Math.min(RETRY_MS, deadline - clock.now()));
  }
}

function validateTtl(ttl: unknown): asserts ttl is number {
  if (typeof ttl !== "number" || !Number.isInteger(ttl) || ttl < 1) {
    throw new ValidationError("INVALID_OPTION", `lock ttl must be an integer >= 1 ms (got ${String(ttl)})`);
  }
}
