// Pause/resume and cancel, taking effect at once.
import { expect, it } from "vitest";
import { waitFor } from "../../../src/testing/index.js";
import { deferred } from "../../helpers/harness.js";
import type { ContractContext } from "../contract-suite.js";

export function controlCases({ harness }: ContractContext): void {
  it("a paused queue starts nothing until it is resumed", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    await queue.pause();
    expect(await queue.isPaused()).toBe(true);
    const job = await queue.add("held", {});
    const worker = harness.worker(backend, queue.name, () => "ran");
    // A fetch that completes after the pause proves the worker looked and left the job alone.
    await waitFor(() => worker.lastFetchAt !== undefined && worker.lastFetchAt > job.createdAt, {
      message: "the worker to finish a fetch",
    });
    expect(await job.getState()).toBe("waiting");
    await queue.resume();
    expect(await queue.isPaused()).toBe(false);
    expect(await job.waitUntilFinished({ timeout: 10_000 })).toBe("ran");
  });

  it("pausing takes effect at once for the next job while the running one finishes", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const release = deferred();
    const started: string[] = [];
    const first = await queue.add("first", {});
    harness.worker(backend, queue.name, async (job) => {
      started.push(job.name);
      if (job.name === "first") await release.promise;
      return job.name;
    });
    await waitFor(() => started.length === 1, { message: "first job to start" });
    await queue.pause();
    const second = await queue.add("second", {});
    release.resolve();
    expect(await first.waitUntilFinished({ timeout: 10_000 })).toBe("first");
    expect(await second.getState()).toBe("waiting");
    await queue.resume();
    expect(await second.waitUntilFinished({ timeout: 10_000 })).toBe("second");
    expect(started).toEqual(["first", "second"]);
  });

  it("cancel moves waiting and delayed jobs to cancelled", async () => {
    const queue = harness.queue(await harness.backend());
    const waiting = await queue.add("w", {});
    const delayed = await queue.add("d", {}, { delay: 60_000 });
    expect(await queue.cancel(waiting.id)).toBe("cancelled");
    expect(await queue.cancel(delayed.id)).toBe("cancelled");
    expect(await queue.cancel(delayed.id)).toBe("finished");
    expect(await queue.cancel("missing")).toBe("not-found");
    expect(await queue.getJobCounts("cancelled", "waiting", "delayed")).toEqual({
      cancelled: 2,
      waiting: 0,
      delayed: 0,
    });
    await expect(waiting.waitUntilFinished()).rejects.toMatchObject({ state: "cancelled" });
  });

  it("cancelling a running job aborts its signal and ends it cancelled", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const started = deferred();
    let sawAbort = false;
    const job = await queue.add("long", {}, { attempts: 3 });
    harness.worker(backend, queue.name, (_job, { signal }) => {
      started.resolve();
      return new Promise((_, reject) => {
        signal.addEventListener("abort", () => {
          sawAbort = true;
          reject(new Error("aborted"));
        });
      });
    });
    await started.promise;
    expect(await queue.cancel(job.id, "user asked")).toBe("requested");
    await expect(job.waitUntilFinished({ timeout: 10_000 })).rejects.toMatchObject({
      state: "cancelled",
      failedReason: "user asked",
    });
    expect(sawAbort).toBe(true);
    await job.refresh();
    expect(job.attemptsMade).toBe(1);
  });

  it("worker.pause stops taking jobs and resume continues", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const worker = harness.worker(backend, queue.name, () => "ok");
    worker.pause();
    const job = await queue.add("x", {});
    expect(await job.getState()).toBe("waiting");
    worker.resume();
    expect(await job.waitUntilFinished({ timeout: 10_000 })).toBe("ok");
  });
}
