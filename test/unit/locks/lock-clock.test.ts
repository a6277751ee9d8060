// Lock expiry and lock waits, judged by the backend's clock: a FakeClock moves them without sleeping.
import { afterEach, describe, expect, it } from "vitest";
import { LockError, MemoryBackend, type WarrenError } from "../../../src/index.js";
import { FakeClock } from "../../../src/testing/index.js";

async function lockErrorCode(attempt: Promise<unknown>): Promise<string> {
  const error = await attempt.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(LockError);
  return (error as WarrenError).code;
}

describe("locks on a FakeClock", () => {
  let backend: MemoryBackend | undefined;
  afterEach(async () => {
    await backend?.close();
    backend = undefined;
  });

  function setup(): { clock: FakeClock; backend: MemoryBackend } {
    const clock = new FakeClock();
    backend = new MemoryBackend({ clock });
    return { clock, backend };
  }

  it("a lock holds until its ttl has passed to the millisecond, then another holder takes it with a larger fence", async () => {
    const { clock, backend } = setup();
    const old = await backend.lock("report", { ttl: 1000 });
    clock.advance(999);
    expect(await lockErrorCode(backend.lock("report", { ttl: 1000 }))).toBe("LOCK_HELD");
    clock.advance(1);
    const taker = await backend.lock("report", { ttl: 1000 });
    expect(taker.fence).toBe(old.fence + 1);
    expect(await lockErrorCode(old.extend())).toBe("LOCK_LOST");
    expect(await lockErrorCode(old.release())).toBe("LOCK_LOST");
    await taker.release();
  });

  it("extend holds the lock its ttl from the time of the extend, not of the acquisition", async () => {
    const { clock, backend } = setup();
    const lock = await backend.lock("report", { ttl: 1000 });
    clock.advance(600);
    await lock.extend();
    clock.advance(999);
    expect(await lockErrorCode(backend.lock("report", { ttl: 1000 }))).toBe("LOCK_HELD");
    clock.advance(1);
    await (await backend.lock("report", { ttl: 1000 })).release();
    expect(await lockErrorCode(lock.extend())).toBe("LOCK_LOST");
  });

  it("a waiter parks on the clock and takes the lock once the holder's ttl passes", async () => {
    const { clock, backend } = setup();
    const holder = await backend.lock("report", { ttl: 1000 });
    const waiting = backend.lock("report", { ttl: 1000, wait: 5000 });
    await clock.whenSleeping();
    clock.advance(1000);
    const next = await waiting;
    expect(next.fence).toBe(holder.fence + 1);
    expect(clock.pendingSleeps).toBe(0);
    await next.release();
  });

  it("a waiter gives up with LOCK_HELD once `wait` has passed on the clock, and not before", async () => {
    const { clock, backend } = setup();
    const holder = await backend.lock("report", { ttl: 60_000 });
    let settled = false;
    const waiting = lockErrorCode(backend.lock("report", { ttl: 1000, wait: 200 })).finally(
      () => (settled = true),
    );
    await clock.whenSleeping();
    clock.advance(150);
    // The waiter woke, found the lock still held, and parked again for what is left of its wait.
    await clock.whenSleeping();
    expect(settled).toBe(false);
    clock.advance(50);
    expect(await waiting).toBe("LOCK_HELD");
    await holder.release();
  });
});
