// Adding jobs: ids, defaults, idempotent custom ids, dedupe keys, atomic bulk adds.
import { expect, it } from "vitest";
import { waitFor } from "../../../src/testing/index.js";
import type { ContractContext } from "../contract-suite.js";

export function enqueueCases({ harness }: ContractContext): void {
  it("add stores a waiting job with its data, name and defaults", async () => {
    const queue = harness.queue<{ n: number }>(await harness.backend());
    const job = await queue.add("resize", { n: 1 });
    expect(job.id).toMatch(/^[0-9a-f-]{36}$/);
    const stored = await queue.getJob(job.id);
    expect(stored).toMatchObject({
      name: "resize",
      queueName: queue.name,
      data: { n: 1 },
      state: "waiting",
      attemptsMade: 0,
    });
    expect(stored?.opts).toMatchObject({ priority: 5, attempts: 1 });
  });

  it("concurrent adds of one custom jobId store one job and all return it", async () => {
    const queue = harness.queue<{ v: number }>(await harness.backend());
    const jobs = await Promise.all(
      Array.from({ length: 20 }, (_, v) => queue.add("a", { v }, { jobId: "order-race" })),
    );
    expect(new Set(jobs.map((job) => job.id))).toEqual(new Set(["order-race"]));
    expect(new Set(jobs.map((job) => JSON.stringify(job.data))).size).toBe(1);
    const counts = await queue.getJobCounts();
    expect(Object.values(counts).reduce((sum, n) => sum + n, 0)).toBe(1);
  });

  it("adding an existing custom jobId returns the existing job and adds nothing", async () => {
    const queue = harness.queue<{ v: number }>(await harness.backend());
    const first = await queue.add("a", { v: 1 }, { jobId: "order-42" });
    const second = await queue.add("a", { v: 2 }, { jobId: "order-42" });
    expect(second.id).toBe("order-42");
    expect(second.data).toEqual({ v: 1 });
    expect(first.id).toBe(second.id);
    expect(await queue.getJobCounts("waiting")).toMatchObject({ waiting: 1 });
  });

  it("a bulk add with one existing custom jobId stores the others, returns the existing one, and announces only the new", async () => {
    const backend = await harness.backend();
    const queue = harness.queue<{ v: number }>(backend);
    await queue.add("a", { v: 1 }, { jobId: "kept-1" });
    const recorded = await harness.events(backend, queue.name);
    const jobs = await queue.addBulk([
      { name: "a", data: { v: 2 }, opts: { jobId: "new-1" } },
      { name: "a", data: { v: 3 }, opts: { jobId: "kept-1" } },
      { name: "a", data: { v: 4 } },
    ]);
    expect(jobs.map((job) => job.data)).toEqual([{ v: 2 }, { v: 1 }, { v: 4 }]);
    expect(jobs[1]!.id).toBe("kept-1");
    expect(await queue.getJobCounts("waiting")).toMatchObject({ waiting: 3 });
    const fresh = jobs[2]!.id;
    await waitFor(() => recorded.of("new-1").length >= 2 && recorded.of(fresh).length >= 2, {
      message: "the new jobs' events",
    });
    // A job added later is announced after the bulk add's: once its events are in, the bulk's all are.
    const marker = await queue.add("marker", { v: 5 });
    await waitFor(() => recorded.of(marker.id).length >= 2, { message: "the marker's events" });
    expect(recorded.of("new-1")).toEqual(["added", "waiting"]);
    expect(recorded.of(fresh)).toEqual(["added", "waiting"]);
    expect(recorded.of("kept-1")).toEqual([]);
  });

  it("a bulk add naming one custom jobId twice stores one job and returns it for both", async () => {
    const queue = harness.queue<{ v: number }>(await harness.backend());
    const jobs = await queue.addBulk([
      { name: "a", data: { v: 1 }, opts: { jobId: "twice" } },
      { name: "a", data: { v: 2 }, opts: { jobId: "twice" } },
      { name: "a", data: { v: 3 } },
    ]);
    expect(jobs.map((job) => job.id).slice(0, 2)).toEqual(["twice", "twice"]);
    expect(jobs[0]!.data).toEqual(jobs[1]!.data);
    expect(await queue.getJobCounts("waiting")).toMatchObject({ waiting: 2 });
  });

  it("a dedupe key held by a pending job returns that job", async () => {
    const queue = harness.queue<{ v: number }>(await harness.backend());
    const first = await queue.add("sync", { v: 1 }, { dedupe: { key: "user-7" } });
    const second = await queue.add("sync", { v: 2 }, { dedupe: { key: "user-7" } });
    const other = await queue.add("sync", { v: 3 }, { dedupe: { key: "user-8" } });
    expect(second.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
    expect(await queue.getJobCounts("waiting")).toMatchObject({ waiting: 2 });
  });

  it("a dedupe key is free again once its job finished, unless within its ttl", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const first = await queue.add("sync", {}, { dedupe: { key: "k" } });
    const withTtl = await queue.add("sync", {}, { dedupe: { key: "t", ttl: 60_000 } });
    harness.worker(backend, queue.name, () => "ok");
    await first.waitUntilFinished({ timeout: 10_000 });
    await withTtl.waitUntilFinished({ timeout: 10_000 });
    const again = await queue.add("sync", {}, { dedupe: { key: "k" } });
    const stillDeduped = await queue.add("sync", {}, { dedupe: { key: "t", ttl: 60_000 } });
    expect(again.id).not.toBe(first.id);
    expect(stillDeduped.id).toBe(withTtl.id);
  });

  it("addBulk stores every job in order and returns them", async () => {
    const queue = harness.queue<{ i: number }>(await harness.backend());
    const jobs = await queue.addBulk(Array.from({ length: 50 }, (_, i) => ({ name: "n", data: { i } })));
    expect(jobs.map((job) => job.data.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(await queue.getJobCounts("waiting")).toMatchObject({ waiting: 50 });
  });

  it("addBulk with one invalid job stores none of them", async () => {
    const queue = harness.queue(await harness.backend());
    await expect(
      queue.addBulk([
        { name: "ok", data: {} },
        { name: "bad", data: {}, opts: { priority: 99 } },
      ]),
    ).rejects.toMatchObject({
      code: "INVALID_OPTION",
      message: expect.stringMatching(/#1.*priority/) as string,
    });
    const counts = await queue.getJobCounts();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it("addBulk with a dependency on a missing job stores none of them", async () => {
    const queue = harness.queue(await harness.backend());
    await expect(
      queue.addBulk([
        { name: "ok", data: {} },
        { name: "orphan", data: {}, opts: { dependsOn: ["no-such-job"] } },
      ]),
    ).rejects.toMatchObject({ code: "INVALID_OPTION" });
    expect(await queue.getJobs()).toHaveLength(0);
  });
}
