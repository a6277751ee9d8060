// A worker on a FakeClock backend: retries, delays and schedule slots start exactly when the clock says. The
// worker's fetch parks on the backend clock, so a test moves time and the job starts; no real time passes.
import { afterEach, describe, expect, it } from "vitest";
import { MemoryBackend, Queue, Worker, type Job } from "../../../src/index.js";
import { FakeClock, waitFor } from "../../../src/testing/index.js";
import { MISFIRE_GRACE_MS } from "../../../src/schedules/schedule-runner.js";

const T0 = Date.UTC(2026, 0, 1);

describe("a worker on a FakeClock", () => {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const handle of open.splice(0)) await handle.close();
  });

  function setup(processor: (job: Job) => unknown): { clock: FakeClock; queue: Queue } {
    const clock = new FakeClock(T0);
    const backend = new MemoryBackend({ clock });
    const queue = new Queue("clocked", { backend });
    const worker = new Worker("clocked", processor, { backend });
    open.push(worker, queue, backend);
    return { clock, queue };
  }

  it("a retry with backoff starts when the backoff ends on the clock, not a millisecond before", async () => {
    const starts: number[] = [];
    const { clock, queue } = setup((job) => {
      starts.push(clock.now());
      if (job.attemptsMade < 2) throw new Error("first try fails");
      return "second try";
    });
    const job = await queue.add("flaky", {}, { attempts: 2, backoff: { type: "fixed", delay: 300 } });
    await waitFor(async () => (await job.getState()) === "delayed", { message: "the first try to fail" });
    await clock.whenSleeping();
    clock.advance(299);
    expect(await job.getState()).toBe("delayed");
    clock.advance(1);
    expect(await job.waitUntilFinished({ timeout: 10_000 })).toBe("second try");
    expect(starts).toEqual([T0, T0 + 300]);
  });

  it("a delayed job starts at its time on the clock", async () => {
    const { clock, queue } = setup(() => "ran");
    const job = await queue.add("later", {}, { delay: 60_000 });
    await clock.whenSleeping();
    clock.advance(59_999);
    expect(await job.getState()).toBe("delayed");
    clock.advance(1);
    expect(await job.waitUntilFinished({ timeout: 10_000 })).toBe("ran");
    await job.refresh();
    expect(job.processedAt).toBe(T0 + 60_000);
  });

  it("an interval schedule runs each slot once, at its time, and stops at its limit", async () => {
    const started: Array<[string, number]> = [];
    const { clock, queue } = setup((job) => {
      started.push([job.id, clock.now()]);
    });
    await queue.schedule("beat", { every: 1000 }, { name: "beat", limit: 3 });
    for (let slot = 1; slot <= 3; slot++) {
      await clock.whenSleeping();
      clock.advance(999);
      expect(started).toHaveLength(slot - 1);
      clock.advance(1);
      await waitFor(async () => (await queue.getJobCounts("completed")).completed === slot, {
        message: `slot ${slot} to run`,
      });
    }
    expect(started).toEqual([1, 2, 3].map((n) => [`repeat:beat:${T0 + n * 1000}`, T0 + n * 1000]));
    const [schedule] = await queue.getSchedules();
    expect(schedule?.nextRunAt).toBeUndefined();
  });

  it("a slot started late within the misfire grace catches up slot by slot on its series", async () => {
    const started: Array<[string, number]> = [];
    const { clock, queue } = setup((job) => {
      started.push([job.id, clock.now()]);
    });
    await queue.schedule("beat", { every: 1000 }, { name: "beat" });
    await clock.whenSleeping();
    clock.advance(3500);
    // 2.5 s late (within MISFIRE_GRACE_MS): the slots due meanwhile run at once, none dropped.
    await waitFor(() => started.length === 3, { message: "the late slot and the two due after it to run" });
    await clock.whenSleeping();
    clock.advance(500);
    await waitFor(() => started.length === 4, { message: "the next slot on the series to run" });
    expect(started).toEqual([
      [`repeat:beat:${T0 + 1000}`, T0 + 3500],
      [`repeat:beat:${T0 + 2000}`, T0 + 3500],
      [`repeat:beat:${T0 + 3000}`, T0 + 3500],
      [`repeat:beat:${T0 + 4000}`, T0 + 4000],
    ]);
  });

  it("a slot started later than the misfire grace skips the slots missed meanwhile and keeps its series", async () => {
    const started: Array<[string, number]> = [];
    const { clock, queue } = setup((job) => {
      started.push([job.id, clock.now()]);
    });
    await queue.schedule("beat", { every: 1000 }, { name: "beat" });
    await clock.whenSleeping();
    clock.advance(MISFIRE_GRACE_MS + 1500);
    await waitFor(() => started.length === 1, { message: "the late slot to run" });
    await clock.whenSleeping();
    clock.advance(500);
    await waitFor(() => started.length === 2, { message: "the next slot on the series to run" });
    expect(started).toEqual([
      [`repeat:beat:${T0 + 1000}`, T0 + MISFIRE_GRACE_MS + 1500],
      [`repeat:beat:${T0 + MISFIRE_GRACE_MS + 2000}`, T0 + MISFIRE_GRACE_MS + 2000],
    ]);
  });
});
