// Progress and logs: persisted, readable, and emitted.
import { expect, it } from "vitest";
import { waitFor } from "../../../src/testing/index.js";
import type { ContractContext } from "../contract-suite.js";

export function progressCases({ harness }: ContractContext): void {
  it("progress and log lines are stored and emitted while the job runs", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const recorded = await harness.events(backend, queue.name);
    const job = await queue.add("p", {});
    const workerProgress: unknown[] = [];
    const worker = harness.worker(backend, queue.name, async (j) => {
      await j.updateProgress(10);
      await j.log("downloaded");
      await j.updateProgress({ step: "encode", pct: 60 });
      await j.log("encoded");
      return "ok";
    });
    worker.on("progress", (_job, progress) => workerProgress.push(progress));
    await job.waitUntilFinished({ timeout: 10_000 });
    await job.refresh();
    expect(job.progress).toEqual({ step: "encode", pct: 60 });
    expect(await job.getLogs()).toEqual({ logs: ["downloaded", "encoded"], count: 2 });
    await waitFor(() => recorded.of(job.id).includes("completed"), { message: "completed event" });
    const progress = recorded.log.filter((e) => e.event === "progress").map((e) => e.progress);
    expect(progress).toEqual([10, { step: "encode", pct: 60 }]);
    expect(recorded.log.filter((e) => e.event === "log").map((e) => e.line)).toEqual([
      "downloaded",
      "encoded",
    ]);
    await waitFor(() => workerProgress.length === 2, { message: "worker progress events" });
  });

  it("progress must be a number or an object", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const job = await queue.add("p", {});
    harness.worker(backend, queue.name, async (j) => {
      await j.updateProgress("half" as never);
    });
    await expect(job.waitUntilFinished({ timeout: 10_000 })).rejects.toMatchObject({
      failedReason: expect.stringMatching(/progress must be a finite number or a plain object/) as string,
    });
  });

  it("logs can be added to a job outside a worker and paginated", async () => {
    const queue = harness.queue(await harness.backend());
    const job = await queue.add("l", {});
    for (const line of ["a", "b", "c"]) await job.log(line);
    expect(await job.getLogs({ offset: 1, limit: 1 })).toEqual({ logs: ["b"], count: 3 });
  });
}
