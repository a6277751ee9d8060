import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { AmqpBackend } from "../../../src/backend/amqp/index.js";
import { RedisStore } from "../../../src/backend/redis/index.js";
import type { Job } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { uniqueQueueName, useHarness } from "../../helpers/harness.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

// Serial project: stopping the broker would break every other RabbitMQ test running beside it.
const run = promisify(execFile);
const reachable = (await requireService("rabbitmq")) && (await requireService("redis"));
const JOBS = 200;

async function rabbitmqctl(...args: string[]): Promise<void> {
  await run("rabbitmqctl", args, { timeout: 120_000 });
}

describe.runIf(reachable)("a RabbitMQ restart mid-run (real broker, amqp+redis)", () => {
  const harness = useHarness(
    () =>
      new AmqpBackend({
        url: SERVICE_URLS.rabbitmq,
        store: new RedisStore({ url: SERVICE_URLS.redis, prefix: `wt-${randomBytes(4).toString("hex")}` }),
        exchange: "warren-it",
        publishTimeoutMs: 1_000,
        onError: () => {},
      }),
  );

  it("loses no job: queued, in-flight and added-during-the-outage jobs all complete", async () => {
    const backend = await harness.backend();
    const queue = harness.queue<{ n: number }>(backend, uniqueQueueName("restart"));
    let completed = 0;
    const worker = harness.worker<{ n: number }>(
      backend,
      queue.name,
      async (job) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return job.data.n;
      },
      { concurrency: 10 },
    );
    worker.on("completed", () => (completed += 1));
    const before = await queue.addBulk(Array.from({ length: JOBS }, (_, n) => ({ name: "n", data: { n } })));
    await waitFor(() => completed >= 40, {
      message: "some jobs completed before the restart",
      timeout: 30_000,
    });

    let during: Job<{ n: number }>[] = [];
    try {
      await rabbitmqctl("stop_app");
      // The store keeps the job; the outbox publishes it once the broker is back.
      during = await queue.addBulk(
        Array.from({ length: 20 }, (_, n) => ({ name: "late", data: { n: JOBS + n } })),
      );
    } finally {
      await rabbitmqctl("start_app");
    }
    await waitFor(async () => (await queue.getJobCounts("completed")).completed === JOBS + during.length, {
      message: "every job completed after the restart",
      timeout: 90_000,
    });
    for (const job of [...before, ...during]) expect(await job.getState()).toBe("completed");
  });
});
