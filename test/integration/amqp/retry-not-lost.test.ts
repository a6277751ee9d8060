// A retry made while the first delivery's publish was still unconfirmed must be published: the old outbox ack
// erased the retry's entry, and about 1 job in 30 stayed `waiting` forever on amqp+redis. The worker runs in
// its own process, as in production, which is what opens the window between publish and confirm.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createBackend } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { uniqueQueueName, useHarness } from "../../helpers/harness.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const JOBS = 300;
const ADD_SPACING_MS = 5;
const prefix = `rnl-${randomBytes(4).toString("hex")}`;
const targets = [
  {
    name: "amqp+redis",
    needs: ["rabbitmq", "redis"],
    url: `${SERVICE_URLS.rabbitmq}?store=${encodeURIComponent(`${SERVICE_URLS.redis}?prefix=${prefix}`)}`,
  },
  {
    name: "amqp+postgres",
    needs: ["rabbitmq", "postgres"],
    url: `${SERVICE_URLS.rabbitmq}?store=${encodeURIComponent(SERVICE_URLS.postgres)}`,
  },
] as const;

async function startWorker(url: string, queue: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "test/integration/shared/fixtures/failing-worker.ts", url, queue],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(() => output.includes("ready"), { message: "the worker process to start", timeout: 30_000 });
  return child;
}

for (const target of targets) {
  let reachable = true;
  for (const service of target.needs) reachable = (await requireService(service)) && reachable;

  describe.runIf(reachable)(`retries on the RabbitMQ transport (${target.name})`, () => {
    const harness = useHarness(() => createBackend(target.url));

    it(`${JOBS} jobs that fail once and retry at once all reach their final failure`, async () => {
      const backend = await harness.backend();
      const queue = harness.queue(backend, uniqueQueueName("rnl"));
      const child = await startWorker(target.url, queue.name);
      try {
        // Spaced adds leave the producer idle while the worker claims, fails and retries: the window between a
        // publish and its confirm where the old ack erased the retry's entry.
        for (let i = 0; i < JOBS; i++) {
          await queue.add("flaky", { i }, { attempts: 2 });
          await new Promise((resolve) => setTimeout(resolve, ADD_SPACING_MS));
        }
        // Well inside the reconciliation bound (30 s): the retry must be published, not found again later.
        await waitFor(async () => (await queue.getJobCounts("failed")).failed === JOBS, {
          message: `all ${JOBS} jobs to fail after their retry`,
          timeout: 20_000,
        });
        expect(await queue.getJobCounts("waiting", "active", "delayed")).toEqual({
          waiting: 0,
          active: 0,
          delayed: 0,
        });
      } finally {
        child.kill("SIGTERM");
      }
    }, 60_000);
  });
}
