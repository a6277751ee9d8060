import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AmqpBackend } from "../../../src/backend/amqp/index.js";
import { RedisStore } from "../../../src/backend/redis/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { uniqueQueueName, useHarness } from "../../helpers/harness.js";
import { closeConnectionsNamed, managementReachable } from "../../helpers/rabbitmq-admin.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const reachable =
  (await requireService("rabbitmq")) && (await requireService("redis")) && (await managementReachable());
const JOBS = 300;

describe.runIf(reachable)("RabbitMQ connection loss (real broker, amqp+redis)", () => {
  const connectionName = `warren-cut-${randomBytes(4).toString("hex")}`;
  const harness = useHarness(
    () =>
      new AmqpBackend({
        url: SERVICE_URLS.rabbitmq,
        store: new RedisStore({ url: SERVICE_URLS.redis, prefix: `wt-${randomBytes(4).toString("hex")}` }),
        exchange: "warren-it",
        connectionName,
        onError: () => {},
      }),
  );

  it("300 jobs in flight all complete exactly once when every broker connection is cut twice", async () => {
    const backend = await harness.backend();
    const queue = harness.queue<{ n: number }>(backend, uniqueQueueName("cut"));
    const runs = new Map<string, number>();
    let completed = 0;
    const worker = harness.worker<{ n: number }>(
      backend,
      queue.name,
      async (job) => {
        runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
        // Simulated I/O keeps jobs in flight while the connection drops.
        await new Promise((resolve) => setTimeout(resolve, 5));
        return job.data.n;
      },
      { concurrency: 20 },
    );
    worker.on("completed", () => (completed += 1));
    const jobs = await queue.addBulk(Array.from({ length: JOBS }, (_, n) => ({ name: "n", data: { n } })));

    for (const threshold of [60, 160]) {
      await waitFor(() => completed >= threshold, {
        message: `${threshold} jobs completed`,
        timeout: 30_000,
      });
      const closed = await waitFor(() => closeConnectionsNamed(connectionName), {
        message: "the broker to list this process's connection",
      });
      expect(closed).toBeGreaterThan(0);
    }

    await waitFor(async () => (await queue.getJobCounts("completed")).completed === JOBS, {
      message: "every job completed after the cuts",
      timeout: 60_000,
    });
    expect(jobs.every((job) => runs.get(job.id) === 1)).toBe(true);
    expect(runs.size).toBe(JOBS);
    expect(completed).toBe(JOBS);
  });
});
