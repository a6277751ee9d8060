import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Job } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { RedisBackend } from "../../../src/backend/redis/index.js";
import { uniqueQueueName, useHarness } from "../../helpers/harness.js";
import { killRedisClientsNamed } from "../../helpers/server-admin.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";
import { runConnectionCutScenario } from "../shared/connection-cut.js";

const reachable = await requireService("redis");

describe.runIf(reachable)("Redis connection loss (real server)", () => {
  const connectionName = `warren-cut-${randomBytes(4).toString("hex")}`;
  const harness = useHarness(
    () =>
      new RedisBackend({
        url: SERVICE_URLS.redis,
        prefix: `wt-${randomBytes(4).toString("hex")}`,
        connectionName,
        onError: () => {},
      }),
  );

  it(
    "300 jobs in flight complete exactly once when CLIENT KILL cuts every connection twice",
    { timeout: 180_000 },
    async () => {
      await runConnectionCutScenario(harness, () => killRedisClientsNamed(connectionName));
    },
  );

  it(
    "QueueEvents resumes from its last-seen id after its connections are cut, so it misses no event",
    { timeout: 180_000 },
    async () => {
      const backend = await harness.backend();
      const queue = harness.queue<{ n: number }>(backend, uniqueQueueName("events-cut"));
      const recorded = await harness.events(backend, queue.name);
      const seen = (): Set<string> =>
        new Set(recorded.log.filter((event) => event.event === "completed").map((event) => event.jobId!));
      // Claims whose replies were lost in a cut come back when their lease expires (see connection-cut.ts).
      harness.worker<{ n: number }>(backend, queue.name, (job) => job.data.n, {
        concurrency: 5,
        maxStalledCount: 3,
      });

      const batches: Job<{ n: number }>[] = [];
      for (let round = 0; round < 3; round++) {
        batches.push(
          ...(await waitFor(
            () =>
              queue
                .addBulk(Array.from({ length: 50 }, (_, n) => ({ name: "n", data: { n } })))
                .catch(() => undefined),
            { message: "an add to succeed after the cut" },
          )),
        );
        // Cut while this batch is being processed and its events written.
        expect(await killRedisClientsNamed(connectionName)).toBeGreaterThan(0);
      }
      await waitFor(() => batches.every((job) => seen().has(job.id)), {
        message: "a completed event for every job",
        timeout: 120_000,
      });
      expect(seen().size).toBe(batches.length);
    },
  );
});
