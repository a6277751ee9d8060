// Regression cases for what `npm run torture` found, one per bug, on every backend (each bug also has a
// contract case now: test/contract/behaviour/dependencies.ts, test/integration/amqp/retry-not-lost.test.ts).
import { afterAll, describe, expect, it } from "vitest";
import { waitFor } from "../../src/testing/index.js";
import { useHarness } from "../helpers/harness.js";
import { tortureBackends } from "./torture-backends.js";

for (const target of await tortureBackends()) {
  describe.runIf(target.reachable)(`torture regressions (${target.name})`, () => {
    const harness = useHarness(target.create);
    afterAll(target.dispose);

    // torture seed 1 (`npm run torture -- --url all --jobs 150 --seed 1`): j13 depends on j5, which had
    // already failed for good when j13 was added; j13 stays in waiting-children forever on every backend.
    it("a job added after its dependency failed for good fails at once instead of waiting forever", async () => {
      const backend = await harness.backend();
      const queue = harness.queue(backend);
      harness.worker(backend, queue.name, () => {
        throw new Error("boom");
      });
      const dependency = await queue.add("dependency", {});
      await waitFor(async () => (await dependency.getState()) === "failed", {
        message: "the dependency to fail",
        timeout: 10_000,
      });
      const dependant = await queue.add("dependant", {}, { dependsOn: dependency.id });
      await waitFor(async () => (await dependant.getState()) === "failed", {
        message: "the dependant to fail",
        timeout: 3_000,
      });
      await dependant.refresh();
      expect(dependant.failedReason).toMatch(new RegExp(dependency.id));
    });

    // torture seed 7 (`npm run torture -- --url memory --jobs 200 --seed 7 --faults kill`): j110 has a delay
    // and dependsOn j80,j83; it started 661 ms before they completed. A delayed job is promoted when its delay
    // ends without looking at its dependencies, on every backend.
    it("a delayed job with dependsOn waits for its dependency even after its delay ends", async () => {
      const backend = await harness.backend();
      const queue = harness.queue(backend);
      const started = new Map<string, number>();
      const finished = new Map<string, number>();
      harness.worker(
        backend,
        queue.name,
        async (job) => {
          started.set(job.name, Date.now());
          if (job.name === "dependency") await new Promise((resolve) => setTimeout(resolve, 1_500));
          finished.set(job.name, Date.now());
          return job.name;
        },
        { concurrency: 2 },
      );
      const dependency = await queue.add("dependency", {});
      const dependant = await queue.add("dependant", {}, { dependsOn: dependency.id, delay: 200 });
      await dependant.waitUntilFinished({ timeout: 15_000 });
      expect(started.get("dependant")!).toBeGreaterThanOrEqual(finished.get("dependency")!);
    });

    // torture seed 20261201 (`npm run torture -- --url amqp+redis --jobs 120 --seed 20261201 --faults
    // kill,cut,restart --duration 8000 --fault-interval 4000`, also amqp+postgres): j7 threw on try 1, had
    // attempts 4 and no backoff, and stayed `waiting` forever. This plain scenario does not reproduce it (it
    // passes on amqp too: the torture run had two worker processes and a SIGKILL and a cut in its first
    // seconds); it guards the plain path, and the torture seed above is the reproducer until one is found.
    it("a job that fails once and retries with no backoff completes on its second try", async () => {
      const backend = await harness.backend();
      const queue = harness.queue(backend);
      harness.worker(
        backend,
        queue.name,
        (job) => {
          if (job.attemptsMade === 1) throw new Error("first try fails");
          return "second try";
        },
        { concurrency: 4 },
      );
      const jobs = await queue.addBulk(
        Array.from({ length: 12 }, (_, n) => ({ name: "flaky", data: { n }, opts: { attempts: 2 } })),
      );
      await waitFor(async () => (await queue.getJobCounts("completed")).completed === jobs.length, {
        message: "every job completed on its retry",
        timeout: 15_000,
      });
    });
  });
}
