// judgeHealth: the rules a probe reads, one case each; and Worker.health() over its lifecycle on memory.
import { describe, expect, it } from "vitest";
import { MemoryBackend, Worker } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { fetchOverdueAfterMs, judgeHealth, type HealthInputs } from "../../../src/worker/worker-health.js";

const NOW = 10_000_000;
const healthy: HealthInputs = {
  started: true,
  closing: false,
  paused: false,
  loopEnded: false,
  active: 2,
  lastFetchAt: NOW - 1_000,
  wantingSince: NOW - 1_000,
  lastError: undefined,
  blockMs: 5_000,
};
const bound = fetchOverdueAfterMs(5_000);

describe("judgeHealth", () => {
  it("is ok while a fetch is within the bound", () => {
    expect(judgeHealth({ ...healthy, wantingSince: NOW - bound }, NOW)).toEqual({
      ok: true,
      running: true,
      active: 2,
      lastFetchAt: NOW - 1_000,
    });
  });

  it("is not ok past the bound, naming the last fetch error", () => {
    const health = judgeHealth(
      {
        ...healthy,
        wantingSince: NOW - bound - 1_000,
        lastError: new Error("Redis at 127.0.0.1:6390 is down"),
      },
      NOW,
    );
    expect(health).toMatchObject({ ok: false, running: true });
    expect(health.reason).toBe("no fetch has completed for 21 s: Redis at 127.0.0.1:6390 is down");
  });

  it("is not ok past the bound when a fetch never returned", () => {
    expect(judgeHealth({ ...healthy, wantingSince: NOW - bound - 1 }, NOW).reason).toMatch(
      /has not returned/,
    );
  });

  it("is ok when it wants nothing (paused by its owner, or every slot busy)", () => {
    expect(judgeHealth({ ...healthy, paused: true, wantingSince: undefined }, NOW)).toMatchObject({
      ok: true,
      running: false,
    });
    expect(judgeHealth({ ...healthy, wantingSince: undefined, lastFetchAt: NOW - 3_600_000 }, NOW).ok).toBe(
      true,
    );
  });

  it("is not ok before run(), once closing, or when the loop has ended", () => {
    expect(judgeHealth({ ...healthy, started: false }, NOW).reason).toMatch(/not started/);
    expect(judgeHealth({ ...healthy, closing: true }, NOW).reason).toMatch(/closing/);
    expect(judgeHealth({ ...healthy, loopEnded: true }, NOW)).toMatchObject({ ok: false, running: false });
  });
});

describe("Worker.health()", () => {
  it("follows the worker: not started, ok after a fetch, ok while paused, not ok once closed", async () => {
    const backend = new MemoryBackend();
    const worker = new Worker("h", () => 1, { backend, autorun: false });
    expect(worker.health()).toMatchObject({ ok: false, running: false, lastFetchAt: undefined });
    void worker.run();
    // An idle memory fetch returns after blockMs (5 s): the first completed fetch may take that long.
    await waitFor(() => worker.health().lastFetchAt !== undefined, {
      message: "a completed fetch",
      timeout: 15_000,
    });
    expect(worker.health()).toMatchObject({ ok: true, running: true, active: 0 });
    worker.pause();
    expect(worker.health()).toMatchObject({ ok: true, running: false });
    await worker.close();
    expect(worker.health()).toMatchObject({ ok: false, reason: "the worker is closing or closed" });
    await backend.close();
  });
});
