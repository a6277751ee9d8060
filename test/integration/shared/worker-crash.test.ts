// A worker process SIGKILLed mid-job, on every server backend, with the default lease (30 s) and maintenance
// interval (5 s): its job comes back through its lease (a stall) and completes on a survivor, or fails with a
// clear reason past maxStalledCount; the dead worker drops out of the registry. Both outcomes share one wait,
// and the backends run side by side, since each waits out a real lease.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createBackend, type Backend, type Job } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { uniqueQueueName, useHarness } from "../../helpers/harness.js";
import { recordingLogger } from "../../helpers/recording-logger.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

/** The default lease (30 s), the next maintenance pass (5 s), and room for a loaded machine. */
const RECOVERY_MS = 75_000;
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

const reachable = new Map<string, boolean>();
for (const target of targets) {
  let ok = true;
  for (const service of target.needs) ok = (await requireService(service)) && ok;
  reachable.set(target.name, ok);
}

describe.concurrent("a worker process killed mid-job", () => {
  for (const target of targets) {
    describe.runIf(reachable.get(target.name))(target.name, () => {
      const logger = recordingLogger();
      const harness = useHarness(() => createBackend(target.url, { logger }));

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

      it(
        "a stalled job completes on a survivor, one past maxStalledCount fails saying why, the dead leave the registry",
        { timeout: 150_000 },
        async () => {
          const backend = await harness.backend();
          const recovered = harness.queue(backend, uniqueQueueName("crash"));
          const doomed = harness.queue(backend, uniqueQueueName("crash"));
          const fragile = await recovered.add("fragile", { step: 1 });
          const hopeless = await doomed.add("fragile", {});
          const [pid] = await Promise.all([
            killMidJob(recovered.name, fragile, 1),
            killMidJob(doomed.name, hopeless, 0),
          ]);
          harness.worker(backend, recovered.name, () => "finished by the survivor");
          harness.worker(backend, doomed.name, () => "never");
          expect(await fragile.waitUntilFinished({ timeout: RECOVERY_MS })).toBe("finished by the survivor");
          await fragile.refresh();
          expect(fragile.stalledCount).toBe(1);
          expect(fragile.attemptsMade).toBe(2);
          await expect(hopeless.waitUntilFinished({ timeout: RECOVERY_MS })).rejects.toMatchObject({
            state: "failed",
            failedReason: expect.stringMatching(/stalled more than 0 time\(s\).*stopped renewing/) as unknown,
          });
          // The survivors' maintenance said so, once per recovery, naming the queue (an operator's clue). The
          // jobs' events can arrive before the pass that recovered them returns and logs: wait for the records.
          const stallsOf = (queue: string) =>
            logger.matching("recovered stalled jobs").filter((record) => record.fields["queue"] === queue);
          await waitFor(() => stallsOf(doomed.name).length > 0 && stallsOf(recovered.name).length > 0, {
            message: "both stalls to be logged",
            timeout: 10_000,
          });
          const stalls = logger.matching("recovered stalled jobs");
          expect(stalls.every((record) => record.level === "warn")).toBe(true);
          expect(stalls.filter((record) => record.fields["queue"] === recovered.name)).toEqual([
            expect.objectContaining({
              fields: expect.objectContaining({ stalled: 1, failedStalled: 0 }) as unknown,
            }),
          ]);
          expect(stalls.filter((record) => record.fields["queue"] === doomed.name)).toEqual([
            expect.objectContaining({ fields: expect.objectContaining({ failedStalled: 1 }) as unknown }),
          ]);
          await waitFor(async () => !(await listed(backend, pid)), {
            message: "the dead worker to drop out",
            timeout: 30_000,
          });
        },
      );
    });
  }
});
