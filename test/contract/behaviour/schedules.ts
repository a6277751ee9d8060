// Schedules: upsert by key, validation before anything is stored, a slot as a delayed job due at the slot, at
// most one move per slot across backend objects, missed slots collapsed into one run, limits and end dates,
// pause/resume/remove, repair of a missing slot job, and real workers (default timing) running slots on time.
import { expect, it } from "vitest";
import type { Backend, Job } from "../../../src/index.js";
import { advanceSchedule, repairSchedules, slotJobId } from "../../../src/schedules/schedule-runner.js";
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

    // The next slot is a delayed job due at the slot.
    const slot = first.nextRunAt!.getTime();
    expect(await queue.getJob(slotJobId("report", slot))).toMatchObject({
      state: "delayed",
      name: "build",
      data: { v: 1 },
    });

    const again = await queue.schedule("report", { every: MINUTE }, { name: "build", data: { v: 2 } });
    expect(again.nextRunAt).toEqual(first.nextRunAt);
    expect(again.data).toEqual({ v: 2 });
    // Same slot, and its pending job carries the new template.
    expect(await queue.getJob(slotJobId("report", slot))).toMatchObject({ state: "delayed", data: { v: 2 } });
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
    // Retimed: the old slot's job is gone, the new slot's job waits for it.
    expect(await queue.getJob(slotJobId("report", slot))).toBeUndefined();
    expect((await queue.getJobs()).map((job) => job.id)).toEqual([
      slotJobId("report", retimed.nextRunAt!.getTime()),
    ]);

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
    expect(await queue.getJobs()).toEqual([]);
  });

  /** Moves a schedule on from its current slot as the worker starting that slot's job would, at `now`. */
  async function startSlot(backend: Backend, queue: string, key: string, now: number): Promise<boolean> {
    const schedule = (await backend.listSchedules(queue)).find((candidate) => candidate.key === key);
    if (!schedule?.nextRunAt) return false;
    const job = await backend.getJob(queue, slotJobId(key, schedule.nextRunAt));
    return job !== undefined && advanceSchedule(backend, job, now);
  }

  it("three backend objects starting the same slot move the schedule once; missed slots collapse", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const created = await queue.schedule("tick", { every: MINUTE }, { name: "tick", data: { n: 1 } });
    const slot = created.nextRunAt!.getTime();
    const job = (await backend.getJob(queue.name, slotJobId("tick", slot)))!;
    // Five slots pass with no worker running; then three processes start the slot's job at the same moment.
    const later = slot + 5 * MINUTE + 1;
    const moved = await Promise.all((await peers(backend)).map((peer) => advanceSchedule(peer, job, later)));
    expect(moved.filter(Boolean)).toHaveLength(1);

    const [after] = await queue.getSchedules();
    expect(after).toMatchObject({ count: 1 });
    const next = slot + 6 * MINUTE;
    expect(after!.nextRunAt!.getTime()).toBe(next);
    expect((await queue.getJobs()).map((j) => j.id).sort()).toEqual(
      [slotJobId("tick", slot), slotJobId("tick", next)].sort(),
    );
    expect(await queue.getJob(slotJobId("tick", next))).toMatchObject({ state: "delayed", data: { n: 1 } });
    // The same slot again moves nothing.
    expect(await advanceSchedule(backend, job, later)).toBe(false);
  });

  it("a slot started late but within the misfire grace moves the schedule to the very next slot", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const created = await queue.schedule("short", { every: 1_000 }, { name: "s" });
    const slot = created.nextRunAt!.getTime();
    const job = (await backend.getJob(queue.name, slotJobId("short", slot)))!;
    // A worker held back 2 s (a loaded machine): the next slot is already due, and is made all the same.
    expect(await advanceSchedule(backend, job, slot + 2_001)).toBe(true);
    const [after] = await queue.getSchedules();
    expect(after!.nextRunAt!.getTime()).toBe(slot + 1_000);
    expect(await queue.getJob(slotJobId("short", slot + 1_000))).toBeDefined();
  });

  it("a schedule ends at its limit or its end date; a paused one has no pending slot until resumed", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const now = backend.clock.now();
    await queue.schedule("limited", { every: MINUTE }, { name: "l", limit: 2 });
    await queue.schedule(
      "ending",
      { every: MINUTE },
      { name: "e", startDate: now, endDate: now + 2.5 * MINUTE },
    );
    const paused = await queue.schedule("paused", { every: MINUTE }, { name: "p" });
    await queue.pauseSchedule("paused");
    expect(await queue.getJob(slotJobId("paused", paused.nextRunAt!.getTime()))).toBeUndefined();
    for (let step = 1; step <= 4; step++) {
      for (const key of ["limited", "ending", "paused"])
        await startSlot(backend, queue.name, key, now + step * MINUTE + 1);
    }

    const byKey = Object.fromEntries((await queue.getSchedules()).map((s) => [s.key, s]));
    expect(byKey.limited).toMatchObject({ count: 2, nextRunAt: undefined });
    expect(byKey.ending).toMatchObject({ count: 2, nextRunAt: undefined });
    expect(byKey.paused).toMatchObject({ count: 0, paused: true });
    const names = (await queue.getJobs()).map((job) => job.name).sort();
    expect(names).toEqual(["e", "e", "l", "l"]);

    // Resuming skips the slots missed while paused: the next run is in the future, with its job waiting for it.
    const resumed = await queue.resumeSchedule("paused");
    expect(resumed.paused).toBe(false);
    expect(resumed.nextRunAt!.getTime()).toBeGreaterThan(backend.clock.now());
    const pending = slotJobId("paused", resumed.nextRunAt!.getTime());
    expect(await queue.getJob(pending)).toMatchObject({ state: "delayed" });
    expect(await queue.removeSchedule("paused")).toBe(true);
    expect(await queue.removeSchedule("paused")).toBe(false);
    expect(await queue.getJob(pending)).toBeUndefined();
    expect((await queue.getSchedules()).map((s) => s.key)).toEqual(["ending", "limited"]);
  });

  it("repair makes a missing slot job again before its slot, and moves the schedule on after it", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const created = await queue.schedule("fix", { every: MINUTE }, { name: "fix" });
    const slot = created.nextRunAt!.getTime();
    expect(await queue.remove(slotJobId("fix", slot))).toBe(true);
    expect(await repairSchedules(backend, queue.name, backend.clock.now())).toEqual({
      remade: 1,
      advanced: 0,
    });
    expect(await queue.getJob(slotJobId("fix", slot))).toMatchObject({ state: "delayed" });
    expect(await repairSchedules(backend, queue.name, backend.clock.now())).toEqual({
      remade: 0,
      advanced: 0,
    });

    // Gone again, and its slot has passed (no worker ran it): the schedule moves on to the next slot after now.
    expect(await queue.remove(slotJobId("fix", slot))).toBe(true);
    const later = slot + 2 * MINUTE + 1;
    expect(await repairSchedules(backend, queue.name, later)).toEqual({ remade: 0, advanced: 1 });
    const [after] = await queue.getSchedules();
    expect(after!.nextRunAt!.getTime()).toBe(slot + 3 * MINUTE);
    expect(await queue.getJob(slotJobId("fix", slot + 3 * MINUTE))).toMatchObject({ state: "delayed" });
  });

  /** Each slot job's slot, checked to have started no earlier than its slot. */
  function startedSlots(jobs: Job[]): number[] {
    return jobs.map((job) => {
      const slot = Number(job.id.slice(job.id.lastIndexOf(":") + 1));
      expect(job.processedAt).toBeGreaterThanOrEqual(slot);
      return slot;
    });
  }

  it("a running worker runs a schedule's slots by itself: one job per slot, none early, up to the limit", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const seen: Job[] = [];
    harness.worker(backend, queue.name, (job) => {
      seen.push(job);
      return job.id;
    });
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
    startedSlots(await queue.getJobs("completed"));
  });

  it("every: 300 with three workers runs each slot once and none early, with default timing", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    for (const peer of await peers(backend)) harness.worker(peer, queue.name, (job) => job.id);
    await queue.schedule("every300", { every: 300 }, { name: "tick", limit: 5 });
    await waitFor(async () => (await queue.getJobCounts("completed")).completed === 5, {
      message: "five slots of 300 ms to run",
      timeout: 15_000,
    });
    const slots = startedSlots(await queue.getJobs("completed")).sort();
    expect(new Set(slots).size).toBe(5);
    for (let i = 1; i < slots.length; i++) expect(slots[i]! - slots[i - 1]!).toBe(300);
  });

  it("a cron schedule with a seconds field fires every second", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    harness.worker(backend, queue.name, (job) => job.id);
    await queue.schedule("everySecond", { cron: "*/1 * * * * *" }, { name: "tick", limit: 2 });
    await waitFor(async () => (await queue.getJobCounts("completed")).completed === 2, {
      message: "two one-second cron slots to run",
      timeout: 15_000,
    });
    const slots = startedSlots(await queue.getJobs("completed")).sort();
    expect(slots[1]! - slots[0]!).toBe(1_000);
  });

  it("obliterate removes a queue's schedules", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    await queue.schedule("gone", { every: MINUTE }, { name: "x" });
    await queue.obliterate();
    expect(await queue.getSchedules()).toEqual([]);
  });
}
