import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AmqpBackend } from "../../../src/backend/amqp/index.js";
import { RedisStore } from "../../../src/backend/redis/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { uniqueQueueName, useHarness } from "../../helpers/harness.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const reachable = (await requireService("rabbitmq")) && (await requireService("redis"));

describe.runIf(reachable)("a worker process killed mid-job (real broker, amqp+redis)", () => {
  const prefix = `wt-${randomBytes(4).toString("hex")}`;
  const exchange = "warren-it";
  const harness = useHarness(
    () =>
      new AmqpBackend({
        url: SERVICE_URLS.rabbitmq,
        store: new RedisStore({ url: SERVICE_URLS.redis, prefix }),
        exchange,
        onError: () => {},
      }),
  );

  it("leaves the job to its lease: it is recovered as stalled and completes on another worker", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend, uniqueQueueName("crash"));
    const job = await queue.add("fragile", { step: 1 });
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "test/integration/amqp/fixtures/worker-child.ts",
        SERVICE_URLS.rabbitmq,
        SERVICE_URLS.redis,
        prefix,
        exchange,
        queue.name,
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
    harness.worker(backend, queue.name, () => "finished by the survivor", { maintenanceInterval: 100 });
    expect(await job.waitUntilFinished({ timeout: 20_000 })).toBe("finished by the survivor");
    await job.refresh();
    expect(job.stalledCount).toBe(1);
    expect(job.attemptsMade).toBe(2);
  });
});
