import { describe, expect, it } from "vitest";
import { Queue } from "../../../src/index.js";
import { MemoryBackend } from "../../../src/backend/memory/index.js";
import type { LockRef } from "../../../src/backend/records.js";
import { waitFor } from "../../../src/testing/index.js";
import { LockKeeper } from "../../../src/worker/lock-keeper.js";
import { DEFAULT_BLOCK_MS } from "../../../src/worker/worker-options.js";

describe("LockKeeper", () => {
  it("renews held leases and reports, once, exactly the lock objects the backend no longer honours", async () => {
    const backend = new MemoryBackend();
    const queue = new Queue("keeper", { backend });
    await queue.addBulk([
      { name: "a", data: {} },
      { name: "b", data: {} },
    ]);
    const [a, b] = await backend.fetch({
      queues: ["keeper"],
      workerId: "w",
      max: 2,
      lockMs: 60_000,
      maxStalledCount: 1,
      limiter: undefined,
      groupLimits: undefined,
      signal: new AbortController().signal,
      // Both jobs are ready, so the fetch answers at once with the default wait.
      blockMs: DEFAULT_BLOCK_MS,
    });
    const lost: LockRef[] = [];
    const held = new Set<LockRef>();
    const keeper = new LockKeeper(
      backend,
      40,
      () => held,
      (lock) => lost.push(lock),
      (error) => {
        throw error;
      },
    );
    const honoured: LockRef = { queue: "keeper", id: a!.id, token: a!.lockToken! };
    const stale: LockRef = { queue: "keeper", id: b!.id, token: "not-the-token" };
    held.add(honoured).add(stale);
    keeper.holding();
    try {
      await waitFor(() => lost.length > 0, { message: "the stale lock reported" });
      await waitFor(async () => (await backend.getJob("keeper", a!.id))!.lockExpiresAt !== a!.lockExpiresAt, {
        message: "the honoured lease renewed",
      });
      // Still held (its try has not returned yet) over the beats after: reported once all the same.
      const renewed = (await backend.getJob("keeper", a!.id))!.lockExpiresAt!;
      await waitFor(async () => (await backend.getJob("keeper", a!.id))!.lockExpiresAt! > renewed + 40, {
        message: "two more beats",
      });
      expect(lost).toEqual([stale]);
      expect(lost[0]).toBe(stale);
    } finally {
      await keeper.close();
      await queue.close();
      await backend.close();
    }
  });
});
