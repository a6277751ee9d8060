// worker.health() with the defaults a user gets (blockMs 5 s): ok while fetching, not-ok once its server has
// been gone past the bound (2 × blockMs + 10 s) though the worker still "runs", ok again when the server is
// back. Redis is the test's own redis-server, killed and restarted; RabbitMQ is reached through a TCP proxy
// the test takes down, so the shared servers are untouched.
import { describe, expect, it } from "vitest";
import { OwnRedisServer } from "../../../bench/torture/faults/own-redis-server.js";
import { AmqpBackend, MemoryStore, RedisBackend, Worker, type Backend } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { fetchOverdueAfterMs } from "../../../src/worker/worker-health.js";
import { DEFAULT_BLOCK_MS } from "../../../src/worker/worker-options.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";
import { TcpProxy } from "../../helpers/tcp-proxy.js";

/** The bound, then room for the fetch under way to fail and for a loaded machine. */
const NOTICE_MS = fetchOverdueAfterMs(DEFAULT_BLOCK_MS) + 25_000;
const quiet = { onError: () => undefined };

interface Outage {
  backend: Backend;
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

async function redisOutage(): Promise<Outage> {
  const server = await OwnRedisServer.start();
  return {
    backend: new RedisBackend({ url: `redis://${server.hostPort}/0`, ...quiet }),
    down: () => server.down(),
    up: () => server.up(),
    stop: () => server.stop(),
  };
}

async function amqpOutage(): Promise<Outage> {
  const broker = new URL(SERVICE_URLS.rabbitmq);
  const proxy = await TcpProxy.start(broker.hostname, Number(broker.port || 5672));
  const url = `amqp://${broker.username}:${broker.password}@127.0.0.1:${proxy.port}`;
  return {
    backend: new AmqpBackend({ url, store: new MemoryStore(), exchange: "warren-health", ...quiet }),
    down: () => proxy.down(),
    up: () => proxy.up(),
    stop: () => proxy.down(),
  };
}

const cases = [
  { name: "redis", reachable: true, outage: redisOutage },
  { name: "amqp", reachable: await requireService("rabbitmq"), outage: amqpOutage },
];

describe.concurrent("worker.health() through a server outage", () => {
  for (const { name, reachable, outage } of cases) {
    it.runIf(reachable)(
      `${name}: ok, not-ok while the server is gone, ok again`,
      { timeout: 180_000 },
      async () => {
        const { backend, down, up, stop } = await outage();
        const worker = new Worker("health", () => "done", { backend });
        worker.on("error", () => undefined);
        try {
          await waitFor(() => worker.health().ok && worker.health().lastFetchAt !== undefined, {
            message: "a first completed fetch",
            timeout: 30_000,
          });
          expect(worker.health()).toMatchObject({ ok: true, running: true, active: 0 });

          await down();
          await waitFor(() => !worker.health().ok, { message: "health to turn not-ok", timeout: NOTICE_MS });
          const sick = worker.health();
          // The BullMQ trap: the worker says it runs while it gets nothing done.
          expect(worker.isRunning()).toBe(true);
          expect(sick).toMatchObject({ ok: false, running: true });
          expect(sick.reason).toMatch(/^no fetch has completed for \d+ s/);

          await up();
          await waitFor(() => worker.health().ok, { message: "health to recover", timeout: 60_000 });
        } finally {
          await worker.close({ force: true });
          await backend.close();
          await stop();
        }
        expect(worker.health()).toMatchObject({
          ok: false,
          running: false,
          reason: "the worker is closing or closed",
        });
      },
    );
  }
});
