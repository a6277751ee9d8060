// A worker process SIGKILLed mid-job, on every server backend: its job comes back through its lease (a stall)
// and completes on a survivor, or fails with a clear reason past maxStalledCount; the dead worker drops out
// of the registry.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createBackend, type Backend, type Job } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { uniqueQueueName, useHarness } from "../../helpers/harness.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const prefix = `crash-${randomBytes(4).toString("hex")}`;
const targets = [
  { name: "redis", needs: ["redis"], url: `${SERVICE_URLS.redis}?prefix=${prefix}` },
  { name: "postgres", needs: ["postgres"], url: SERVICE_URLS.postgres },
  {
    name: "amqp+redis",
    needs: ["rabbitmq", "redis"],
    url: `${SERVICE_URLS.rabbitmq}?store=${encodeURIComponent(`${SERVICE_URLS.redis}?prefix=${prefix}`)}`,
  },
] as const;

for (const target of targets) {
  let reachable = true;
  for (const service of target.needs) reachable = (await requireService(service)) && reachable;

  describe.runIf(reachable)(`a worker process killed mid-job (${target.name})`, () => {
    const harness = useHarness(() => createBackend(target.url));

    /** Starts a child worker, waits until it runs `job`, then SIGKILLs it. Returns its pid. */
    async function killMidJob(queue: string, job: Job, maxStalledCount: number): Promise<number> {
      const child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          "test/integration/shared/fixtures/crash-worker.ts",
          target.url,
          queue,
          String(maxStalledCount),
        ],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise((resolve) => child.on("exit", resolve));
      try {
        await waitFor(() => output.includes(`started ${job.id}`), {
          message: "the child to start the job",
          timeout: 30_000,
        });
        expect(await job.getState()).toBe("active");
      } finally {
        child.kill("SIGKILL");
      }
      await exited;
      return child.pid!;
    }

    const listed = async (backend: Backend, pid: number): Promise<boolean> =>
      (await backend.listWorkers()).some((info) => info.pid === pid);

    it("the job is recovered as a stall and completes on a survivor; the dead worker leaves the registry", async () => {
      const backend = await harness.backend();
      const queue = harness.queue(backend, uniqueQueueName("crash"));
      const job = await queue.add("fragile", { step: 1 });
      const pid = await killMidJob(queue.name, job, 1);
      harness.worker(backend, queue.name, () => "finished by the survivor", { maintenanceInterval: 100 });
      expect(await job.waitUntilFinished({ timeout: 20_000 })).toBe("finished by the survivor");
      await job.refresh();
      expect(job.stalledCount).toBe(1);
      expect(job.attemptsMade).toBe(2);
      await waitFor(async () => !(await listed(backend, pid)), {
        message: "the dead worker to drop out",
        timeout: 20_000,
      });
    });

    it("past maxStalledCount the job fails with a reason that says its worker stopped", async () => {
      const backend = await harness.backend();
      const queue = harness.queue(backend, uniqueQueueName("crash"));
      const job = await queue.add("fragile", {});
      await killMidJob(queue.name, job, 0);
      harness.worker(backend, queue.name, () => "never", { maintenanceInterval: 100 });
      await expect(job.waitUntilFinished({ timeout: 20_000 })).rejects.toMatchObject({
        state: "failed",
        failedReason: expect.stringMatching(/stalled more than 0 time\(s\).*stopped renewing/) as unknown,
      });
    });
  });
}
