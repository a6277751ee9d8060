// Schedules: upsert by key, validation before anything is stored, at most one job per slot across backend
// objects, missed slots collapsed into one run, limits and end dates, pause/resume/remove, and a real worker
// firing slots by itself.
import { expect, it } from "vitest";
import type { Backend, Job } from "../../../src/index.js";
import { runDueSchedules, slotJobId } from "../../../src/schedules/schedule-runner.js";
import { waitFor } from "../../../src/testing/index.js";
import type { ContractContext } from "../contract-suite.js";

const MINUTE = 60_000;

export function scheduleCases({ harness }: ContractContext): void {
  /** Backend objects that share state: three connections on a server backend, the one object on memory. */
  async function peers(backend: Backend): Promise<Backend[]> {
    if (!backend.capabilities.crossProcess) return [backend, backend, backend];
    return [backend, await harness.backend(), await harness.backend()];
  }

  it("schedule() upserts by key: new data updates it, the same timing keeps its next run", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const first = await queue.schedule("report", { every: MINUTE }, { name: "build", data: { v: 1 } });
    expect(first).toMatchObject({ key: "report", every: MINUTE, name: "build", data: { v: 1 }, count: 0 });
    expect(first.nextRunAt!.getTime()).toBeGreaterThan(backend.clock.now());

    const again = await queue.schedule("report", { every: MINUTE }, { name: "build", data: { v: 2 } });
    expect(again.nextRunAt).toEqual(first.nextRunAt);
    expect(again.data).toEqual({ v: 2 });
    const retimed = await queue.schedule(
      "report",
      { cron: "0 3 * * *", tz: "Europe/Oslo" },
      { name: "build" },
    );
    expect(retimed).toMatchObject({ cron: "0 3 * * *", tz: "Europe/Oslo", every: undefined });
    const oslo = new Intl.DateTimeFormat("en-GB", {
      timeZone: "Europe/Oslo",
      hour: "2-digit",
      minute: "2-digit",
    });
    expect(oslo.format(retimed.nextRunAt)).toBe("03:00");

    const schedules = await queue.getSchedules();
    expect(schedules.map((s) => s.key)).toEqual(["report"]);
    expect(schedules[0]).toMatchObject({ cron: "0 3 * * *", data: null, paused: false });
  });

  it("a bad pattern, time zone or template is refused with a clear code, and nothing is stored", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const refused = async (call: () => Promise<unknown>, code: string, text: RegExp): Promise<void> => {
      await expect(call()).rejects.toMatchObject({ code, message: expect.stringMatching(text) as unknown });
    };
    await refused(() => queue.schedule("a", { cron: "61 * * * *" }, { name: "x" }), "INVALID_CRON", /cron/);
    await refused(() => queue.schedule("a", { cron: "2026-01-01" }, { name: "x" }), "INVALID_CRON", /fields/);
    await refused(
      () => queue.schedule("a", { cron: "* * * * *", tz: "Mars/Base" }, { name: "x" }),
      "INVALID_OPTION",
      /time zone/,
    );
    await refused(() => queue.schedule("a", { every: 0 }, { name: "x" }), "INVALID_OPTION", /every/);
    await refused(
      () => queue.schedule("a", { every: 100, cron: "* * * * *" }, { name: "x" }),
      "INVALID_OPTION",
      /every|cron/,
    );
    await refused(
      () => queue.schedule("a", { every: 100 }, { name: "x", opts: { jobId: "j" } }),
      "INVALID_OPTION",
      /jobId/,
    );
    await refused(
      () => queue.schedule("a", { every: 100 }, { name: "x", limit: 0 }),
      "INVALID_OPTION",
      /limit/,
    );
    await refused(
      () => queue.schedule("a", { every: 100 }, { name: "x", data: () => 1 }),
      "INVALID_DATA",
      /JSON/,
    );
    await refused(() => queue.schedule("", { every: 100 }, { name: "x" }), "INVALID_OPTION", /key/);
    await refused(() => queue.pauseSchedule("missing"), "NOT_FOUND", /missing/);
    expect(await queue.getSchedules()).toEqual([]);
  });

  it("three backend objects firing the same due slot add one job; missed slots collapse into one run", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const created = await queue.schedule("tick", { every: MINUTE }, { name: "tick", data: { n: 1 } });
    const slot = created.nextRunAt!.getTime();
    // Five slots pass with no worker running; then three processes run maintenance at the same moment.
    const later = slot + 5 * MINUTE + 1;
    const reports = await Promise.all(
      (await peers(backend)).map((peer) => runDueSchedules(peer, queue.name, later)),
    );
    expect(reports.reduce((sum, report) => sum + report.fired, 0)).toBe(1);

    const jobs = await queue.getJobs();
    expect(jobs.map((job) => job.id)).toEqual([slotJobId("tick", slot)]);
    expect(jobs[0]).toMatchObject({ name: "tick", data: { n: 1 } });
    const [after] = await queue.getSchedules();
    expect(after).toMatchObject({ count: 1 });
    expect(after!.nextRunAt!.getTime()).toBe(slot + 6 * MINUTE);
    // The same moment again fires nothing more.
    expect((await runDueSchedules(backend, queue.name, later)).fired).toBe(0);
  });

  it("a schedule ends at its limit or its end date, and a paused one fires nothing", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const now = backend.clock.now();
    await queue.schedule("limited", { every: MINUTE }, { name: "l", limit: 2 });
    await queue.schedule(
      "ending",
      { every: MINUTE },
      { name: "e", startDate: now, endDate: now + 2.5 * MINUTE },
    );
    await queue.schedule("paused", { every: MINUTE }, { name: "p" });
    await queue.pauseSchedule("paused");
    for (let step = 1; step <= 4; step++) await runDueSchedules(backend, queue.name, now + step * MINUTE + 1);

    const byKey = Object.fromEntries((await queue.getSchedules()).map((s) => [s.key, s]));
    expect(byKey.limited).toMatchObject({ count: 2, nextRunAt: undefined });
    expect(byKey.ending).toMatchObject({ count: 2, nextRunAt: undefined });
    expect(byKey.paused).toMatchObject({ count: 0, paused: true });
    const names = (await queue.getJobs()).map((job) => job.name).sort();
    expect(names).toEqual(["e", "e", "l", "l"]);

    // Resuming skips the slots missed while paused: the next run is in the future, not a catch-up.
    const resumed = await queue.resumeSchedule("paused");
    expect(resumed.paused).toBe(false);
    expect(resumed.nextRunAt!.getTime()).toBeGreaterThan(backend.clock.now());
    expect(await queue.removeSchedule("paused")).toBe(true);
    expect(await queue.removeSchedule("paused")).toBe(false);
    expect((await queue.getSchedules()).map((s) => s.key)).toEqual(["ending", "limited"]);
  });

  it("a running worker fires a schedule's slots by itself: one job per slot, up to the limit", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const seen: Job[] = [];
    harness.worker(
      backend,
      queue.name,
      (job) => {
        seen.push(job);
        return job.id;
      },
      { maintenanceInterval: 50 },
    );
    await queue.schedule(
      "fast",
      { every: 100 },
      { name: "beat", data: { ok: true }, limit: 3, immediately: true },
    );
    await waitFor(async () => (await queue.getJobCounts("completed")).completed === 3, {
      message: "three slots to run",
      timeout: 20_000,
    });
    const [schedule] = await queue.getSchedules();
    expect(schedule).toMatchObject({ count: 3, nextRunAt: undefined });
    const ids = seen.map((job) => job.id);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^repeat:fast:\d+$/);
    expect(seen.every((job) => job.name === "beat")).toBe(true);
  });

  it("obliterate removes a queue's schedules", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    await queue.schedule("gone", { every: MINUTE }, { name: "x" });
    await queue.obliterate();
    expect(await queue.getSchedules()).toEqual([]);
  });
}
