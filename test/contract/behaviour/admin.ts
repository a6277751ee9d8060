// Reading and managing jobs: getters, true counts, clean, drain, obliterate, promote, remove, retention.
import { expect, it } from "vitest";
import { JOB_STATES, type JobState } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import type { ContractContext } from "../contract-suite.js";

export function adminCases({ harness }: ContractContext): void {
  it("getJobs pages through a state in order", async () => {
    const queue = harness.queue<{ i: number }>(await harness.backend());
    await queue.addBulk(Array.from({ length: 25 }, (_, i) => ({ name: "n", data: { i } })));
    const page1 = await queue.getJobs("waiting", { offset: 0, limit: 10 });
    const page3 = await queue.getJobs("waiting", { offset: 20, limit: 10 });
    expect(page1.map((j) => j.data.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(page3.map((j) => j.data.i)).toEqual([20, 21, 22, 23, 24]);
    const newest = await queue.getJobs("waiting", { limit: 2, order: "desc" });
    expect(newest.map((j) => j.data.i)).toEqual([24, 23]);
  });

  it("counts equal what getJobs lists for every state", async () => {
    const backend = await harness.backend();
    const queue = harness.queue<{ kind: string }>(backend);
    await queue.addBulk([
      { name: "ok", data: { kind: "ok" } },
      { name: "ok", data: { kind: "ok" } },
      { name: "bad", data: { kind: "bad" } },
      { name: "later", data: { kind: "later" }, opts: { delay: 60_000 } },
    ]);
    const worker = harness.worker<{ kind: string }>(backend, queue.name, (job) => {
      if (job.data.kind === "bad") throw new Error("bad");
    });
    await waitFor(async () => (await queue.getJobCounts("completed", "failed")).failed === 1, {
      message: "the bad job to fail",
    });
    await waitFor(async () => (await queue.getJobCounts("completed")).completed === 2, {
      message: "two completed",
    });
    await worker.close();
    await queue.add("pending", { kind: "ok" });
    await queue.cancel((await queue.add("c", { kind: "ok" })).id);
    const counts = await queue.getJobCounts();
    for (const state of JOB_STATES) {
      const listed = await queue.getJobs(state, { limit: 1000 });
      expect({ state, count: counts[state] }).toEqual({ state, count: listed.length });
    }
    expect(counts).toMatchObject({
      waiting: 1,
      delayed: 1,
      completed: 2,
      failed: 1,
      cancelled: 1,
      active: 0,
    });
  });

  it("getJob returns undefined for an unknown id and getJobCounts names only asked states", async () => {
    const queue = harness.queue(await harness.backend());
    expect(await queue.getJob("nope")).toBeUndefined();
    expect(await queue.getJobCounts("waiting", "failed")).toEqual({ waiting: 0, failed: 0 });
    await expect(queue.getJobs("bogus" as JobState)).rejects.toMatchObject({ code: "INVALID_OPTION" });
  });

  it("clean removes finished jobs by age since they finished, up to a limit", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const jobs = await queue.addBulk(Array.from({ length: 5 }, () => ({ name: "x", data: {} })));
    harness.worker(backend, queue.name, () => "ok");
    for (const job of jobs) await job.waitUntilFinished({ timeout: 10_000 });
    const finished = await Promise.all(jobs.map(async (job) => (await job.refresh()).finishedAt ?? 0));
    const latest = Math.max(...finished);
    await waitFor(() => backend.clock.now() > latest + 20, { message: "the jobs to age" });
    expect(await queue.clean("completed", { olderThan: 60_000 })).toEqual([]);
    const removed = await queue.clean("completed", { olderThan: 10, limit: 3 });
    expect(removed).toHaveLength(3);
    expect(await queue.getJobCounts("completed")).toEqual({ completed: 2 });
    await expect(queue.clean("active", { olderThan: 0 })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("drain removes waiting jobs, and delayed ones only when asked", async () => {
    const queue = harness.queue(await harness.backend());
    await queue.addBulk([
      { name: "a", data: {} },
      { name: "b", data: {} },
      { name: "c", data: {}, opts: { delay: 60_000 } },
    ]);
    expect(await queue.drain()).toBe(2);
    expect(await queue.getJobCounts("waiting", "delayed")).toEqual({ waiting: 0, delayed: 1 });
    expect(await queue.drain({ delayed: true })).toBe(1);
    expect(await queue.getJobCounts("delayed")).toEqual({ delayed: 0 });
  });

  it("obliterate removes the queue and refuses while jobs are active unless forced", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    let release!: () => void;
    const running = new Promise<void>((resolve) => (release = resolve));
    await queue.add("a", {});
    await queue.add("b", {}, { delay: 60_000 });
    const worker = harness.worker(backend, queue.name, () => running);
    await waitFor(async () => (await queue.getJobCounts("active")).active === 1, { message: "a job active" });
    await expect(queue.obliterate()).rejects.toMatchObject({ code: "CONFLICT" });
    release();
    await worker.close();
    await queue.obliterate();
    expect(await queue.getJobs()).toHaveLength(0);
    expect(await backend.listQueues()).not.toContain(queue.name);
  });

  it("promote runs a delayed job now; promoting a waiting job is a conflict", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const job = await queue.add("d", {}, { delay: 3_600_000 });
    const promoted = await queue.promote(job.id);
    expect(promoted.state).toBe("waiting");
    await expect(queue.promote(job.id)).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(queue.promote("missing")).rejects.toMatchObject({ code: "NOT_FOUND" });
    harness.worker(backend, queue.name, () => "now");
    expect(await job.waitUntilFinished({ timeout: 10_000 })).toBe("now");
  });

  it("remove deletes a job that is not active and reports whether it existed", async () => {
    const queue = harness.queue(await harness.backend());
    const job = await queue.add("r", {});
    expect(await queue.remove(job.id)).toBe(true);
    expect(await queue.remove(job.id)).toBe(false);
    expect(await queue.getJob(job.id)).toBeUndefined();
  });

  it("retrying a job that has not failed is a conflict", async () => {
    const queue = harness.queue(await harness.backend());
    const job = await queue.add("r", {});
    await expect(queue.retry(job.id)).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(queue.retry("missing")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("removeOnComplete true removes completed jobs; a count keeps the newest", async () => {
    const backend = await harness.backend();
    const gone = harness.queue(backend);
    const kept = harness.queue(backend);
    const a = await gone.add("x", {}, { removeOnComplete: true });
    const jobs = await kept.addBulk(
      Array.from({ length: 5 }, () => ({ name: "x", data: {}, opts: { removeOnComplete: 2 } })),
    );
    harness.worker(backend, gone.name, () => "ok");
    harness.worker(backend, kept.name, () => "ok");
    expect(await a.waitUntilFinished({ timeout: 10_000 })).toBe("ok");
    await waitFor(async () => (await gone.getJob(a.id)) === undefined, { message: "job removed" });
    await waitFor(
      async () => (await Promise.all(jobs.map((j) => kept.getJob(j.id)))).filter(Boolean).length === 2,
      { message: "only two completed jobs kept" },
    );
    const left = await kept.getJobs("completed");
    expect(left.map((j) => j.id).sort()).toEqual(
      jobs
        .slice(3)
        .map((j) => j.id)
        .sort(),
    );
  });

  it("removeOnComplete / removeOnFail true remove that job only: other jobs of the queue are kept", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    harness.worker(backend, queue.name, (job) => {
      if (job.name === "bad") throw new Error("no");
      return "ok";
    });
    const keptDone = await queue.add("good", {});
    const keptFailed = await queue.add("bad", {});
    await keptDone.waitUntilFinished({ timeout: 10_000 });
    await expect(keptFailed.waitUntilFinished({ timeout: 10_000 })).rejects.toMatchObject({
      state: "failed",
    });
    const goneDone = await queue.add("good", {}, { removeOnComplete: true });
    const goneFailed = await queue.add("bad", {}, { removeOnFail: true });
    await waitFor(async () => !(await queue.getJob(goneDone.id)) && !(await queue.getJob(goneFailed.id)), {
      message: "the removeOn* jobs to be removed",
    });
    expect((await queue.getJobs("completed")).map((job) => job.id)).toEqual([keptDone.id]);
    expect((await queue.getJobs("failed")).map((job) => job.id)).toEqual([keptFailed.id]);
  });

  it("a dependency removed on completion still releases the job waiting on it", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const child = await queue.add("child", {}, { removeOnComplete: true });
    const parent = await queue.add("parent", {}, { dependsOn: child.id, removeOnComplete: true });
    const started: string[] = [];
    harness.worker(backend, queue.name, (job) => {
      started.push(job.name);
      return job.name;
    });
    await waitFor(() => started.length === 2, { message: "child then parent ran" });
    expect(started).toEqual(["child", "parent"]);
    await waitFor(async () => (await queue.getJob(parent.id)) === undefined, { message: "parent removed" });
    expect(await queue.getJob(child.id)).toBeUndefined();
  });

  it("removeOnFail true removes failed jobs", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const recorded = await harness.events(backend, queue.name);
    const job = await queue.add("x", {}, { removeOnFail: true });
    harness.worker(backend, queue.name, () => {
      throw new Error("x");
    });
    await waitFor(() => recorded.of(job.id).includes("failed"), { message: "failed event" });
    await waitFor(async () => (await queue.getJob(job.id)) === undefined, { message: "failed job removed" });
  });

  it("listQueues names every queue with jobs", async () => {
    const backend = await harness.backend();
    const a = harness.queue(backend);
    const b = harness.queue(backend);
    await a.add("x", {});
    await b.add("x", {});
    const queues = await backend.listQueues();
    expect(queues).toEqual(expect.arrayContaining([a.name, b.name]));
  });
}
