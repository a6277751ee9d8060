// Per-try timeouts abort the processor's signal; ttl expires jobs that were not started in time.
import { expect, it } from "vitest";
import { JobFailedError } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import type { ContractContext } from "../contract-suite.js";

export function timeoutCases({ harness }: ContractContext): void {
  it("a try that runs past its timeout is aborted through its signal and counts as a failed try", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const aborted: string[] = [];
    const job = await queue.add("slow", {}, { timeout: 50, attempts: 2 });
    harness.worker(backend, queue.name, (j, { signal }) => {
      return new Promise((_, reject) => {
        signal.addEventListener("abort", () => {
          aborted.push(`try ${j.attemptsMade}`);
          reject(new Error("stopped"));
        });
      });
    });
    const error = (await job
      .waitUntilFinished({ timeout: 10_000 })
      .catch((e: unknown) => e)) as JobFailedError;
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error.failedReason).toMatch(/timed out after 50 ms/);
    expect(aborted).toEqual(["try 1", "try 2"]);
    await job.refresh();
    expect(job.attemptsMade).toBe(2);
  });

  it("a processor that ignores its signal and never settles is failed by its timeout", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const job = await queue.add("hang", {}, { timeout: 30 });
    harness.worker(backend, queue.name, () => new Promise(() => undefined));
    await expect(job.waitUntilFinished({ timeout: 10_000 })).rejects.toMatchObject({
      failedReason: expect.stringMatching(/timed out/) as string,
    });
  });

  it.each([
    ["a job", {}],
    ["a job in a fairness group", { group: { id: "g" } }],
  ])("%s not started within its ttl ends expired", async (_label, extra) => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    await queue.pause();
    const job = await queue.add("stale", {}, { ttl: 30, ...extra });
    const fresh = await queue.add("fresh", {}, extra);
    await waitFor(() => backend.clock.now() > job.createdAt + 40, { message: "ttl to pass" });
    harness.worker(backend, queue.name, () => "ran");
    await queue.resume();
    await expect(job.waitUntilFinished({ timeout: 10_000 })).rejects.toMatchObject({
      state: "expired",
      failedReason: expect.stringMatching(/ttl/) as string,
    });
    expect(await fresh.waitUntilFinished({ timeout: 10_000 })).toBe("ran");
    expect(await queue.getJobCounts("expired", "completed")).toEqual({ expired: 1, completed: 1 });
  });
}
