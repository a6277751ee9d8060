// dependsOn beyond flows: dependencies come before a job's own delay, a dependency that already failed fails
// a job added after it, and a dependant added while its dependency finishes is released, never stranded.
import { expect, it } from "vitest";
import { waitFor } from "../../../src/testing/index.js";
import { deferred } from "../../helpers/harness.js";
import type { ContractContext } from "../contract-suite.js";

export function dependencyCases({ harness }: ContractContext): void {
  it("a job added after its dependency failed for good fails at once, naming the dependency", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    harness.worker(backend, queue.name, () => {
      throw new Error("broken");
    });
    const first = await queue.add("first", {});
    await expect(first.waitUntilFinished({ timeout: 10_000 })).rejects.toMatchObject({ state: "failed" });
    const late = await queue.add("late", {}, { dependsOn: [first.id] });
    await expect(late.waitUntilFinished({ timeout: 10_000 })).rejects.toMatchObject({
      state: "failed",
      failedReason: expect.stringMatching(
        new RegExp(`dependency ${queue.name}:${first.id} failed: broken`),
      ) as unknown,
    });
    expect((await queue.getJobCounts("waiting-children"))["waiting-children"]).toBe(0);
  });

  it("a delayed job with dependencies waits for them past its delay, and starts once they complete", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const release = deferred();
    const started = new Map<string, number>();
    harness.worker(
      backend,
      queue.name,
      async (job) => {
        started.set(job.name, Date.now());
        if (job.name === "slow") await release.promise;
        return job.name;
      },
      { concurrency: 2 },
    );
    const slow = await queue.add("slow", {});
    const after = await queue.add("after", {}, { delay: 100, dependsOn: [slow.id] });
    await waitFor(() => started.has("slow"), { message: "the dependency to start" });
    // Its delay has passed; its dependency has not completed.
    await waitFor(() => Date.now() > after.createdAt + 300, { message: "the delay to pass" });
    expect(await after.getState()).toBe("waiting-children");
    release.resolve();
    expect(await after.waitUntilFinished({ timeout: 10_000 })).toBe("after");
    await slow.refresh();
    expect(started.get("after")).toBeGreaterThanOrEqual(slow.finishedAt!);
  });

  it("a dependant whose dependency completes before its own delay waits for its delay", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    harness.worker(backend, queue.name, (job) => job.name);
    const quick = await queue.add("quick", {});
    const patient = await queue.add("patient", {}, { delay: 300, dependsOn: [quick.id] });
    expect(await patient.waitUntilFinished({ timeout: 10_000 })).toBe("patient");
    await patient.refresh();
    expect(patient.processedAt).toBeGreaterThanOrEqual(patient.createdAt + 300);
  });

  it("dependants added while their dependencies finish are all released", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    harness.worker(backend, queue.name, (job) => job.name, { concurrency: 10 });
    const dependants = [];
    for (let i = 0; i < 40; i++) {
      const first = await queue.add("first", { i }, { removeOnComplete: i % 2 === 0 });
      // The dependency may finish and be removed (removeOnComplete) before the add: then it does not exist.
      const second = await queue.add("second", { i }, { dependsOn: [first.id] }).catch((error: unknown) => {
        if ((error as { code?: string }).code === "INVALID_OPTION") return undefined;
        throw error;
      });
      if (second) dependants.push(second);
    }
    for (const job of dependants) expect(await job.waitUntilFinished({ timeout: 20_000 })).toBe("second");
  });
}
