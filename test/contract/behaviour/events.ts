// One event per transition, in order, to every listener; waiting on results through events.
import { expect, it } from "vitest";
import { JobFailedError, TimeoutError, type QueueEventRecord } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import type { ContractContext } from "../contract-suite.js";

export function eventCases({ harness }: ContractContext): void {
  it("a job that completes emits added, waiting, active, completed — once each, in order", async () => {
    const backend = await harness.backend();
    const queue = harness.queue<unknown, { ok: boolean }>(backend);
    const recorded = await harness.events(backend, queue.name);
    const job = await queue.add("e", {});
    harness.worker(backend, queue.name, () => ({ ok: true }));
    await waitFor(() => recorded.of(job.id).includes("completed"), { message: "completed event" });
    expect(recorded.of(job.id)).toEqual(["added", "waiting", "active", "completed"]);
    const completed = recorded.log.find((e) => e.event === "completed");
    expect(completed).toMatchObject({
      jobId: job.id,
      name: "e",
      queue: queue.name,
      returnValue: { ok: true },
    });
  });

  it("many jobs that fail or complete at once each emit active before their end, once", async () => {
    // The end of a try can be written by another statement than its claim (a failure in a transaction, a
    // completion in one statement): its event must still follow the claim's.
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const recorded = await harness.events(backend, queue.name);
    const jobs = await queue.addBulk(Array.from({ length: 200 }, (_, i) => ({ name: "e", data: { i } })));
    harness.worker(
      backend,
      queue.name,
      (job) => {
        if ((job.data as { i: number }).i % 2 === 0) throw new Error("even");
      },
      { concurrency: 20 },
    );
    const ended = (id: string): boolean => recorded.of(id).some((e) => e === "failed" || e === "completed");
    await waitFor(() => jobs.every((job) => ended(job.id)), { message: "every job ended", timeout: 30_000 });
    jobs.forEach((job, i) =>
      expect(recorded.of(job.id)).toEqual([
        "added",
        "waiting",
        "active",
        i % 2 === 0 ? "failed" : "completed",
      ]),
    );
  });

  it("a retried then failed job emits retrying between tries and failed once at the end", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const recorded = await harness.events(backend, queue.name);
    // The backoff outlasts a finish on a loaded machine: with 10 ms the retry was due before the store saw it.
    const job = await queue.add("e", {}, { attempts: 2, backoff: 1_000 });
    harness.worker(backend, queue.name, () => {
      throw new Error("bad");
    });
    await waitFor(() => recorded.of(job.id).includes("failed"), { message: "failed event" });
    expect(recorded.of(job.id)).toEqual([
      "added",
      "waiting",
      "active",
      "retrying",
      "delayed",
      "waiting",
      "active",
      "failed",
    ]);
    expect(recorded.log.find((e) => e.event === "failed")).toMatchObject({
      failedReason: "bad",
      attemptsMade: 2,
    });
  });

  it("delayed, paused, resumed, removed and cleaned are emitted", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const recorded = await harness.events(backend, queue.name);
    const delayed = await queue.add("d", {}, { delay: 60_000 });
    await queue.pause();
    await queue.resume();
    await queue.remove(delayed.id);
    await queue.add("w", {});
    await queue.drain();
    await waitFor(() => recorded.log.some((e) => e.event === "cleaned"), { message: "cleaned event" });
    expect(recorded.log.map((e) => e.event)).toEqual([
      "added",
      "delayed",
      "paused",
      "resumed",
      "removed",
      "added",
      "waiting",
      "cleaned",
    ]);
    expect(recorded.log.find((e) => e.event === "delayed")?.runAt).toBe(delayed.runAt);
  });

  it("every QueueEvents listener on the backend gets every event", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const a = await harness.events(backend, queue.name);
    const b = await harness.events(backend, queue.name);
    const job = await queue.add("x", {});
    harness.worker(backend, queue.name, () => 1);
    await job.waitUntilFinished({ timeout: 10_000 });
    await waitFor(() => a.of(job.id).includes("completed") && b.of(job.id).includes("completed"), {
      message: "both listeners saw completed",
    });
    expect(a.of(job.id)).toEqual(b.of(job.id));
  });

  it("waitUntilFinished resolves for a job that already completed", async () => {
    const backend = await harness.backend();
    const queue = harness.queue<unknown, number>(backend);
    harness.worker(backend, queue.name, () => 7);
    const job = await queue.add("x", {});
    await waitFor(async () => (await job.getState()) === "completed", { message: "job completed" });
    expect(await job.waitUntilFinished()).toBe(7);
  });

  it("waitUntilFinished rejects with TimeoutError when its timeout passes first", async () => {
    const queue = harness.queue(await harness.backend());
    const job = await queue.add("never-run", {});
    await expect(job.waitUntilFinished({ timeout: 30 })).rejects.toBeInstanceOf(TimeoutError);
  });

  it("addAndWait returns the result, or rejects with the job's failure", async () => {
    const backend = await harness.backend();
    const queue = harness.queue<{ a: number; b: number }, number>(backend);
    harness.worker<{ a: number; b: number }, number>(backend, queue.name, (job) => {
      if (job.data.b === 0) throw new Error("division by zero");
      return job.data.a / job.data.b;
    });
    expect(await queue.addAndWait("div", { a: 6, b: 3 }, { waitTimeout: 10_000 })).toBe(2);
    const error: unknown = await queue.addAndWait("div", { a: 1, b: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error).toMatchObject({ code: "JOB_FAILED", failedReason: "division by zero" });
  });
}

export function filteredEventCases({ harness }: ContractContext): void {
  it("a subscription that names its events hears only those, beside one that hears everything", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const everything: string[] = [];
    const control: QueueEventRecord[] = [];
    const stopAll = await backend.subscribe(queue.name, (event) => everything.push(event.event));
    const stopControl = await backend.subscribe(queue.name, (event) => control.push(event), {
      events: ["cancel-requested", "paused", "resumed"],
    });
    try {
      const job = await queue.add("c", {}, { delay: 60_000 });
      await queue.pause();
      await queue.resume();
      await queue.cancel(job.id);
      await queue.add("w", {});
      await waitFor(() => everything.filter((e) => e === "added").length === 2, { message: "both adds" });
      await waitFor(() => control.some((e) => e.event === "resumed"), { message: "the resumed event" });
      expect(control.map((e) => e.event)).toEqual(["paused", "resumed"]);
      expect(everything).toEqual(
        expect.arrayContaining(["added", "delayed", "paused", "resumed", "cancelled"]),
      );
    } finally {
      await stopControl();
      await stopAll();
    }
  });
}
