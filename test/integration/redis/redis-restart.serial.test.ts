import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { RedisBackend } from "../../../src/backend/redis/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { uniqueQueueName, useHarness } from "../../helpers/harness.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

// Serial project: a restart would break every other Redis test running beside it. This server keeps nothing on
// disk, so the restart also wipes every key, scripts included: the worker must notice and carry on by itself.
const run = promisify(execFile);
const reachable = await requireService("redis");
const START_REDIS = [
  "--daemonize",
  "yes",
  "--bind",
  "127.0.0.1",
  "-::1",
  "--port",
  "6379",
  "--save",
  "",
  "--appendonly",
  "no",
  "--dir",
  "/var/lib/redis",
  "--logfile",
  "/var/log/redis/ci.log",
];

async function redisAnswers(): Promise<boolean> {
  const probe = new Redis(SERVICE_URLS.redis, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

describe.runIf(reachable)("a Redis restart mid-run (real server)", () => {
  const harness = useHarness(
    () =>
      new RedisBackend({
        url: SERVICE_URLS.redis,
        prefix: `wt-${randomBytes(4).toString("hex")}`,
        onError: () => {},
      }),
  );

  it("the worker resumes fetching by itself and jobs added after the restart complete", async () => {
    const backend = await harness.backend();
    const queue = harness.queue<{ n: number }>(backend, uniqueQueueName("restart"));
    const completedIds = new Set<string>();
    const worker = harness.worker<{ n: number }>(backend, queue.name, (job) => job.data.n, {
      concurrency: 10,
    });
    worker.on("completed", (job) => completedIds.add(job.id));
    worker.on("error", () => undefined);
    const before = await queue.addBulk(Array.from({ length: 50 }, (_, n) => ({ name: "n", data: { n } })));
    await waitFor(() => before.every((job) => completedIds.has(job.id)), {
      message: "jobs before the restart",
    });

    try {
      // No reconnects for the admin client: a SHUTDOWN retried on reconnect would wait for the server to return.
      const admin = new Redis(SERVICE_URLS.redis, { maxRetriesPerRequest: 0, retryStrategy: () => null });
      admin.on("error", () => undefined);
      await admin.call("SHUTDOWN", "NOSAVE").catch(() => undefined);
      admin.disconnect();
      await waitFor(async () => !(await redisAnswers()), { message: "redis to stop" });
    } finally {
      // Always bring the server back, even when the shutdown step failed.
      if (!(await redisAnswers())) await run("redis-server", START_REDIS, { timeout: 30_000 });
    }
    await waitFor(redisAnswers, { message: "redis to start again", timeout: 30_000 });

    // A producer call may race the reconnect: retry until the backend's connection is back.
    const after = await waitFor(
      () =>
        queue
          .addBulk(Array.from({ length: 50 }, (_, n) => ({ name: "after", data: { n } })))
          .catch(() => undefined),
      { message: "an add to succeed after the restart", timeout: 30_000 },
    );
    await waitFor(() => after.every((job) => completedIds.has(job.id)), {
      message: "jobs added after the restart completed",
      timeout: 60_000,
    });
    expect((await queue.getJobCounts("completed")).completed).toBe(50);
  });
});
