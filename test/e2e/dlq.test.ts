import { randomBytes } from "node:crypto";
import * as amqp from "amqplib";
import { describe, expect, it } from "vitest";
import { AmqpBackend } from "../../src/backend/amqp/index.js";
import { Queue, RedisBackend, RedisStore, Worker, type Job } from "../../src/index.js";
import { waitFor } from "../../src/testing/index.js";
import { binaryBuilt, runWarren as warren } from "../helpers/cli-binary.js";
import { requireService, SERVICE_URLS } from "../helpers/services.js";

const redisReachable = await requireService("redis");

// npm test builds before running vitest; a bare `vitest` run without a build skips these loudly.
describe.runIf(binaryBuilt && redisReachable)("warren dlq (built binary, real Redis)", () => {
  it("lists, replays and purges the dead letters a worker in another process left", async () => {
    const prefix = `wd-${randomBytes(4).toString("hex")}`;
    const url = `${SERVICE_URLS.redis}?prefix=${prefix}`;
    const backend = new RedisBackend({ url: SERVICE_URLS.redis, prefix, onError: () => {} });
    const queue = new Queue<{ n: number }>("billing", { backend });
    const failing = { now: true };
    const worker = new Worker<{ n: number }>(
      "billing",
      (job) => {
        if (failing.now) throw new Error(`card ${job.data.n} declined`);
        return "paid";
      },
      { backend },
    );
    worker.on("error", () => undefined);
    try {
      const jobs: Job[] = [];
      for (const n of [1, 2, 3]) jobs.push(await queue.add("charge", { n }, { attempts: 2 }));
      for (const job of jobs) await expect(job.waitUntilFinished({ timeout: 10_000 })).rejects.toThrow();

      const listed = await warren(url, "dlq", "ls", "billing", "--json");
      expect(listed.code).toBe(0);
      const letters = JSON.parse(listed.stdout) as Array<{ id: string; reason: string; source: string }>;
      expect(letters.map((letter) => letter.id).sort()).toEqual(jobs.map((job) => job.id).sort());
      expect(letters[0]).toMatchObject({ source: "store", attemptsMade: 2, name: "charge" });
      const table = await warren(url, "dlq", "ls", "billing");
      expect(table.stdout).toMatch(/^id\s+name\s+source\s+attempts\s+deadLettered\s+reason/);
      expect(table.stdout).toContain("card 1 declined");

      const usage = await warren(url, "dlq", "replay", "billing");
      expect(usage.code).toBe(2);
      expect(usage.stderr).toMatch(/--id .*--all/);

      failing.now = false;
      const one = await warren(url, "dlq", "replay", "billing", "--id", jobs[0]!.id, "--json");
      expect(one.code).toBe(0);
      expect(JSON.parse(one.stdout)).toEqual({ queue: "billing", requested: 1, replayed: 1 });
      expect(await jobs[0]!.waitUntilFinished({ timeout: 10_000 })).toBe("paid");
      await worker.close();

      const refused = await warren(url, "dlq", "purge", "billing");
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain("--force");
      expect(await queue.getDeadLetters()).toHaveLength(2);

      const purged = await warren(url, "dlq", "purge", "billing", "--force", "--json");
      expect(JSON.parse(purged.stdout)).toEqual({ queue: "billing", purged: 2 });
      const none = await warren(url, "dlq", "replay", "billing", "--all", "--json");
      expect(JSON.parse(none.stdout)).toEqual({ queue: "billing", requested: 0, replayed: 0 });
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await backend.close();
    }
  });

  it("replay --all replays every dead letter and prints no progress bar when stderr is not a terminal", async () => {
    const prefix = `wd-${randomBytes(4).toString("hex")}`;
    const url = `${SERVICE_URLS.redis}?prefix=${prefix}`;
    const backend = new RedisBackend({ url: SERVICE_URLS.redis, prefix, onError: () => {} });
    const queue = new Queue("imports", { backend });
    const worker = new Worker(
      "imports",
      () => {
        throw new Error("bad row");
      },
      { backend, concurrency: 8 },
    );
    worker.on("error", () => undefined);
    try {
      const jobs = await queue.addBulk(Array.from({ length: 120 }, (_, i) => ({ name: "row", data: { i } })));
      for (const job of jobs) await expect(job.waitUntilFinished({ timeout: 20_000 })).rejects.toThrow();
      await worker.close();
      const all = await warren(url, "dlq", "replay", "imports", "--all", "--json");
      expect(all.code).toBe(0);
      expect(JSON.parse(all.stdout)).toEqual({ queue: "imports", requested: 120, replayed: 120 });
      expect(all.stderr).toBe("");
      expect(await queue.getJobCounts("waiting", "failed")).toEqual({ waiting: 120, failed: 0 });
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await backend.close();
    }
  });
});

const amqpReachable = redisReachable && (await requireService("rabbitmq"));

describe.runIf(binaryBuilt && amqpReachable)("warren job retry (built binary, RabbitMQ + Redis)", () => {
  it("retrying a failed job removes its copy from warren.dlq.<queue>", async () => {
    const prefix = `wr-${randomBytes(4).toString("hex")}`;
    const queueName = `retry-${randomBytes(4).toString("hex")}`;
    const storeUrl = `${SERVICE_URLS.redis}?prefix=${prefix}`;
    const url = `${SERVICE_URLS.rabbitmq}?store=${encodeURIComponent(storeUrl)}`;
    const backend = new AmqpBackend({
      url: SERVICE_URLS.rabbitmq,
      store: new RedisStore({ url: SERVICE_URLS.redis, prefix, onError: () => {} }),
      onError: () => {},
    });
    const queue = new Queue(queueName, { backend });
    const connection = await amqp.connect(SERVICE_URLS.rabbitmq);
    const channel = await connection.createChannel();
    const inDeadLetterQueue = async (): Promise<number> =>
      (await channel.checkQueue(`warren.dlq.${queueName}`)).messageCount;
    const worker = new Worker(
      queueName,
      () => {
        throw new Error("declined");
      },
      { backend },
    );
    worker.on("error", () => undefined);
    try {
      const job = await queue.add("charge", {});
      await expect(job.waitUntilFinished({ timeout: 10_000 })).rejects.toThrow();
      await worker.close();
      await waitFor(async () => (await inDeadLetterQueue()) === 1, { message: "the dead-letter copy" });
      const listed = await warren(url, "dlq", "ls", queueName, "--json");
      expect(JSON.parse(listed.stdout)).toMatchObject([{ id: job.id, source: "store" }]);
      const retried = await warren(url, "job", "retry", queueName, job.id, "--json");
      expect(retried.code).toBe(0);
      expect(await inDeadLetterQueue()).toBe(0);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await connection.close();
      await backend.close();
    }
  });
});
