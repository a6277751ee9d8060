// Found by the checker in CI (`npm run torture -- --url amqp+redis … --seed 1025228015 --faults kill,cut,restart`):
// a worker whose first fetch met its store's Redis down never consumed its queue, even after Redis came back;
// 101 jobs stayed waiting with zero tries. Cause: the consumer group was kept after its start failed (listing
// the store's queues threw), so no later fetch started it again. The broker-reconnect case already healed
// (a failing setup fails the connection attempt, which is retried); it is kept as a guard.
// Serial project: it stops and starts its own redis-server.
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { AmqpBackend } from "../../../src/backend/amqp/index.js";
import { RedisBackend, RedisStore } from "../../../src/backend/redis/index.js";
import type { FetchRequest } from "../../../src/backend/records.js";
import { Queue, Worker, type Backend } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { DEFAULT_BLOCK_MS } from "../../../src/worker/worker-options.js";
import { OwnRedisServer } from "../../../bench/torture/faults/own-redis-server.js";
import {
  closeConnectionsNamed,
  countConnectionsNamed,
  managementReachable,
} from "../../helpers/rabbitmq-admin.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const reachable = (await requireService("rabbitmq")) && (await requireService("redis"));
const management = reachable && (await managementReachable());
/** ioredis fails a queued command after 3 reconnect attempts (under a second); the outage outlasts that. */
const OUTAGE_MS = 3_000;

/** What a case may set on its backend: the broker connection's name (to cut it) and where errors go. */
interface BackendExtras {
  connectionName?: string;
  onError?: (error: Error) => void;
}

const makers: Record<string, (redisUrl: string, extras: BackendExtras) => Backend> = {
  "amqp+redis": (redisUrl, { connectionName, onError = () => undefined }) =>
    new AmqpBackend({
      url: SERVICE_URLS.rabbitmq,
      store: new RedisStore({ url: redisUrl, prefix: `wt-${randomBytes(4).toString("hex")}` }),
      exchange: "warren-it",
      ...(connectionName === undefined ? {} : { connectionName }),
      onError,
    }),
  redis: (redisUrl, { onError = () => undefined }) =>
    new RedisBackend({
      url: redisUrl,
      prefix: `wt-${randomBytes(4).toString("hex")}`,
      onError,
    }),
};

function fetchRequest(queue: string): FetchRequest {
  return {
    queues: [queue],
    workerId: "store-down-worker",
    max: 1,
    lockMs: 30_000,
    maxStalledCount: 1,
    limiter: undefined,
    signal: new AbortController().signal,
    blockMs: DEFAULT_BLOCK_MS,
  };
}

describe.runIf(reachable)("fetching while the store's Redis is down (own redis-server)", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  async function setUp(
    kind: string,
    extras: BackendExtras = {},
  ): Promise<{ server: OwnRedisServer; backend: Backend; queue: Queue }> {
    const server = await OwnRedisServer.start();
    cleanups.push(() => server.stop());
    const backend = makers[kind]!(`redis://${server.hostPort}/0`, extras);
    cleanups.push(() => backend.close());
    const queue = new Queue(`store-down-${randomBytes(3).toString("hex")}`, { backend });
    return { server, backend, queue };
  }

  it.each(Object.keys(makers))(
    "%s: a first fetch that fails does not stop later ones",
    async (kind) => {
      const { server, backend, queue } = await setUp(kind);
      const job = await queue.add("x", { n: 1 });
      await server.down();
      const request = fetchRequest(queue.name);
      await expect(backend.fetch(request)).rejects.toThrow(/unreachable/);
      await server.up();
      // As the worker's loop does: fetch again until the job comes (a real worker backs off in between).
      const claimed = await waitFor(
        async () => {
          const records = await backend.fetch(request).catch(() => []);
          return records.length > 0 ? records : undefined;
        },
        { message: "a fetch after the store came back claimed the job", timeout: 30_000 },
      );
      expect(claimed.map((record) => record.id)).toEqual([job.id]);
    },
    90_000,
  );

  it.each(Object.keys(makers))(
    "%s: a worker started during the outage runs the job",
    async (kind) => {
      const { server, backend, queue } = await setUp(kind);
      const job = await queue.add("x", { n: 1 });
      await server.down();
      const errors: Error[] = [];
      const worker = new Worker(queue.name, (started) => started.data, { backend });
      worker.on("error", (error) => errors.push(error));
      cleanups.push(() => worker.close({ force: true }));
      await waitFor(() => errors.length > 0, {
        message: "the worker met the stopped store",
        timeout: 30_000,
      });
      await server.up();
      await waitFor(async () => (await queue.getJob(job.id))?.state === "completed", {
        message: "the job ran once the store was back",
        timeout: 30_000,
      });
      expect((await queue.getJob(job.id))?.attemptsMade).toBe(1);
    },
    90_000,
  );

  it.runIf(management)(
    "amqp+redis: a broker reconnect while the store is down consumes again once it is back",
    async () => {
      const connectionName = `warren-store-down-${randomBytes(4).toString("hex")}`;
      const errors: Error[] = [];
      const { server, backend, queue } = await setUp("amqp+redis", {
        connectionName,
        onError: (error) => errors.push(error),
      });
      const request = fetchRequest(queue.name);
      await queue.add("first", {});
      expect(await backend.fetch(request)).toHaveLength(1);

      await server.down();
      // The management API lists a new connection seconds late.
      await waitFor(async () => (await closeConnectionsNamed(connectionName)) > 0, {
        message: "the management API listed the backend's connection",
        timeout: 30_000,
      });
      await waitFor(
        () => errors.some((error) => /cuts the connection|CONNECTION_FORCED/.test(error.message)),
        {
          message: "the backend saw its broker connection cut",
        },
      );
      // Reconnected to the broker; its consumers are set up again against a store that is still down.
      await waitFor(async () => (await countConnectionsNamed(connectionName)) > 0, {
        message: "the backend reconnected to the broker",
        timeout: 30_000,
      });
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      await server.up();

      const second = await queue.add("second", {});
      const claimed = await waitFor(
        async () => {
          const records = await backend.fetch(request).catch(() => []);
          return records.some((record) => record.id === second.id) ? records : undefined;
        },
        { message: "the job added after the store came back was delivered", timeout: 30_000 },
      );
      expect(claimed.map((record) => record.name)).toContain("second");
    },
    90_000,
  );
});
