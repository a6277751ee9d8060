// Named locks: exclusive while held, takeable once expired, fenced, and deaf to a holder that lost them.
import { expect, it } from "vitest";
import { LockError, type WarrenError } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { uniqueQueueName } from "../../helpers/harness.js";
import type { ContractContext } from "../contract-suite.js";

async function lockErrorCode(attempt: Promise<unknown>): Promise<string> {
  const error = await attempt.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(LockError);
  return (error as WarrenError).code;
}

export function lockCases({ harness }: ContractContext): void {
  it("a held lock cannot be taken; once released it can, with a larger fence", async () => {
    const backend = await harness.backend();
    const key = uniqueQueueName("lock");
    const first = await backend.lock(key, { ttl: 60_000 });
    expect(await lockErrorCode(backend.lock(key, { ttl: 60_000 }))).toBe("LOCK_HELD");
    await first.release();
    const second = await backend.lock(key, { ttl: 60_000 });
    expect(second.fence).toBeGreaterThan(first.fence);
    expect(second.token).not.toBe(first.token);
    await second.release();
  });

  it("a lock past its ttl can be taken by another holder, and the old holder can neither extend nor release it", async () => {
    const backend = await harness.backend();
    const key = uniqueQueueName("lock");
    const old = await backend.lock(key, { ttl: 50 });
    const taker = await waitFor(() => backend.lock(key, { ttl: 60_000 }).catch(() => undefined), {
      message: "the expired lock to be taken",
    });
    expect(taker.fence).toBeGreaterThan(old.fence);
    expect(await lockErrorCode(old.extend())).toBe("LOCK_LOST");
    expect(await lockErrorCode(old.release())).toBe("LOCK_LOST");
    // The new holder is unharmed by the old one's attempts.
    await taker.extend(60_000);
    expect(await lockErrorCode(backend.lock(key, { ttl: 60_000 }))).toBe("LOCK_HELD");
    await taker.release();
  });

  it("a released lock cannot be released or extended again by its holder", async () => {
    const backend = await harness.backend();
    const lock = await backend.lock(uniqueQueueName("lock"), { ttl: 60_000 });
    await lock.release();
    expect(await lockErrorCode(lock.release())).toBe("LOCK_LOST");
    expect(await lockErrorCode(lock.extend())).toBe("LOCK_LOST");
  });

  it("waits for a held lock up to `wait` and takes it when the holder releases", async () => {
    const backend = await harness.backend();
    const key = uniqueQueueName("lock");
    const holder = await backend.lock(key, { ttl: 60_000 });
    const waiting = backend.lock(key, { ttl: 60_000, wait: 20_000 });
    await holder.release();
    const next = await waiting;
    expect(next.fence).toBe(holder.fence + 1);
    await next.release();
  });

  it("Symbol.asyncDispose releases the lock", async () => {
    const backend = await harness.backend();
    const key = uniqueQueueName("lock");
    const lock = await backend.lock(key, { ttl: 60_000 });
    await lock[Symbol.asyncDispose]();
    const again = await backend.lock(key, { ttl: 60_000 });
    await again.release();
  });

  it("a bad key or ttl is rejected with INVALID_OPTION", async () => {
    const backend = await harness.backend();
    await expect(backend.lock("", { ttl: 1000 })).rejects.toMatchObject({ code: "INVALID_OPTION" });
    await expect(backend.lock("k", { ttl: 0 })).rejects.toMatchObject({ code: "INVALID_OPTION" });
    await expect(backend.lock("k", { ttl: 1.5 })).rejects.toMatchObject({ code: "INVALID_OPTION" });
    await expect(backend.lock("k", { ttl: 1000, wait: -1 })).rejects.toMatchObject({
      code: "INVALID_OPTION",
    });
  });
}
