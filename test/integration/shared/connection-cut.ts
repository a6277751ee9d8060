// One scenario for every backend whose server connections can be cut: jobs in flight, the connections cut
// twice mid-run, then every job completes exactly once by the processor's own count, and jobs added after
// the cuts complete too.
import { expect } from "vitest";
import { waitFor } from "../../../src/testing/index.js";
import type { Harness } from "../../helpers/harness.js";
import { uniqueQueueName } from "../../helpers/harness.js";

/** Runs the scenario; `cut` severs the backend's connections and returns how many it cut. */
export async function runConnectionCutScenario(
  harness: Harness,
  cut: () => Promise<number>,
  jobsInFlight = 300,
): Promise<void> {
  const backend = await harness.backend();
  const queue = harness.queue<{ n: number }>(backend, uniqueQueueName("cut"));
  const runs = new Map<string, number>();
  let completed = 0;
  const worker = harness.worker<{ n: number }>(
    backend,
    queue.name,
    async (job) => {
      runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
      // Simulated I/O keeps jobs in flight while the connections drop.
      await new Promise((resolve) => setTimeout(resolve, 5));
      return job.data.n;
    },
    // A claim whose reply was lost with the connection leaves its jobs leased to nobody: the lease expiry
    // (stall recovery, 30 s by default) returns them. They never ran, so no job runs twice.
    { concurrency: 20, maxStalledCount: 3 },
  );
  worker.on("completed", () => (completed += 1));
  worker.on("error", () => undefined);
  const jobs = await queue.addBulk(
    Array.from({ length: jobsInFlight }, (_, n) => ({ name: "n", data: { n } })),
  );

  for (const threshold of [jobsInFlight / 5, jobsInFlight / 2]) {
    await waitFor(() => completed >= threshold, { message: `${threshold} jobs completed`, timeout: 30_000 });
    const severed = await waitFor(cut, { message: "the server to list this backend's connections" });
    expect(severed).toBeGreaterThan(0);
  }

  // Stranded claims come back when their lease (30 s) expires, at the next maintenance pass (5 s).
  await waitFor(async () => (await queue.getJobCounts("completed")).completed === jobsInFlight, {
    message: "every job completed after the cuts",
    timeout: 120_000,
  });
  expect(runs.size).toBe(jobsInFlight);
  expect(jobs.every((job) => runs.get(job.id) === 1)).toBe(true);

  // The worker keeps fetching on its new connections: jobs added now complete as well.
  const later = await queue.addBulk(Array.from({ length: 20 }, (_, n) => ({ name: "n", data: { n } })));
  await waitFor(async () => (await queue.getJobCounts("completed")).completed === jobsInFlight + 20, {
    message: "jobs added after the cuts completed",
    timeout: 30_000,
  });
  expect(later.every((job) => runs.get(job.id) === 1)).toBe(true);
}
