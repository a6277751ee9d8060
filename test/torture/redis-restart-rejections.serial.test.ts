// Found by `npm run torture -- --url redis --jobs 200 --seed 7 --faults kill,cut,restart`: while the run's
// own Redis restarted, the producer process (a RedisBackend with a Queue, a FlowProducer and QueueEvents)
// saw unhandled MaxRetriesPerRequestError rejections from a client with maxRetriesPerRequest 3 (the
// backend's main client or its event-reader duplicate). Invariant 11: connection failures surface as typed
// WarrenErrors, never as unhandled rejections. Serial project: it starts and restarts its own redis-server.
// Cause: RedisBackend.enqueue started the registry SADD (`registered`), then awaited the enqueue script; when
// the script rejected first, `registered` was never awaited and its own rejection went unhandled (a plain
// queue.add loop was enough). Fixed: both are awaited together.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { FlowProducer, Queue, QueueEvents, RedisBackend, Worker } from "../../src/index.js";
import { OwnRedisServer } from "../../bench/torture/faults/own-redis-server.js";

const RESTARTS = 3;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("a Redis restart under a producer with QueueEvents (own redis-server)", () => {
  it("leaves no unhandled rejection behind", async () => {
    const server = await OwnRedisServer.start();
    // Vitest would report the rejection as an error of the whole run: take it over for this test only.
    const previous = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    const unhandled: string[] = [];
    process.on("unhandledRejection", (reason) => unhandled.push(String(reason)));
    const backend = new RedisBackend({
      url: `redis://${server.hostPort}/0`,
      prefix: `wt-${randomBytes(4).toString("hex")}`,
      onError: () => undefined,
    });
    const queue = new Queue(`restart-${randomBytes(3).toString("hex")}`, { backend });
    const events = new QueueEvents(queue.name, { backend });
    const flows = new FlowProducer({ backend });
    const worker = new Worker(queue.name, () => "ok", { backend, concurrency: 4 });
    worker.on("error", () => undefined);
    events.on("error", () => undefined);
    let adding = true;
    try {
      await events.waitUntilReady();
      const producer = (async () => {
        while (adding) {
          await queue.add("x", {}).catch(() => undefined);
          await flows
            .add({ name: "p", queueName: queue.name, children: [{ name: "c", queueName: queue.name }] })
            .catch(() => undefined);
          await sleep(5);
        }
      })();
      for (let restart = 0; restart < RESTARTS; restart++) {
        await sleep(700);
        await server.restart(1_200);
      }
      await sleep(3_000);
      adding = false;
      await producer;
      expect(unhandled).toEqual([]);
    } finally {
      adding = false;
      await worker.close({ force: true }).catch(() => undefined);
      await events.close().catch(() => undefined);
      await backend.close().catch(() => undefined);
      await server.stop();
      process.removeAllListeners("unhandledRejection");
      for (const listener of previous) process.on("unhandledRejection", listener);
    }
  }, 60_000);
});
