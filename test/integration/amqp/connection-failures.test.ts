import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { RedisBackend } from "../../../src/backend/redis/index.js";
import {
  AuthenticationError,
  BackendUnavailableError,
  Queue,
  ValidationError,
  createBackend,
  type Backend,
} from "../../../src/index.js";
import {
  SECRET,
  closedPort,
  expectConnectionError,
  failureWithin,
  firstWorkerError,
  settleRejections,
  trackUnhandled,
} from "../../helpers/connection-failures.js";
import { uniqueQueueName } from "../../helpers/harness.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

// The broker under test, plus Redis as the job store (so "nothing stored" can be checked from outside).
const reachable = (await requireService("rabbitmq")) && (await requireService("redis"));
/** The default connect timeout (10 s) plus room for a loaded machine. */
const BOUND_MS = 25_000;
const broker = new URL(SERVICE_URLS.rabbitmq);
const brokerHost = `${broker.hostname}:${broker.port || "5672"}`;

/** An amqp:// URL for `host` with `password`, and a Redis store under a fresh prefix. */
function amqpUrl(host: string, password: string, prefix: string): string {
  const url = new URL(SERVICE_URLS.rabbitmq);
  url.host = host;
  url.password = password;
  url.searchParams.set("store", `${SERVICE_URLS.redis}?prefix=${prefix}`);
  return url.toString();
}

describe.runIf(reachable)("RabbitMQ connection failures (real broker)", () => {
  const unhandled = trackUnhandled();
  const backends: Backend[] = [];
  const open = async (url: string): Promise<Backend> => {
    const backend = await createBackend(url);
    backends.push(backend);
    return backend;
  };
  /** Whether the store under `prefix` holds any queue (an add that stored its job registers the queue). */
  const storedQueues = async (prefix: string): Promise<string[]> => {
    const store = new RedisBackend({ url: SERVICE_URLS.redis, prefix, onError: () => {} });
    try {
      return await store.listQueues();
    } finally {
      await store.close();
    }
  };

  afterEach(async () => {
    await Promise.all(backends.splice(0).map((backend) => backend.close()));
    await settleRejections();
    expect(unhandled.reasons.splice(0)).toEqual([]);
  });

  it("a refused login rejects add, ping and fetches with AUTH_FAILED at once, and stores nothing", async () => {
    const prefix = `wt-auth-${randomBytes(4).toString("hex")}`;
    const backend = await open(amqpUrl(brokerHost, SECRET, prefix));
    const queue = uniqueQueueName("auth");
    const expected = { type: AuthenticationError, code: "AUTH_FAILED", host: brokerHost } as const;

    expectConnectionError(
      await failureWithin(new Queue(queue, { backend }).add("x", {}), BOUND_MS, "add"),
      expected,
    );
    expectConnectionError(await failureWithin(backend.ping(), BOUND_MS, "ping"), expected);
    expectConnectionError(await firstWorkerError(backend, queue, BOUND_MS), expected);
    // Refused credentials are permanent: a second add does not try again, it fails the same way.
    expectConnectionError(
      await failureWithin(new Queue(queue, { backend }).add("y", {}), BOUND_MS, "add"),
      expected,
    );
    expect(await storedQueues(prefix)).toEqual([]);
  });

  it("a broker this backend never reached rejects add with BACKEND_UNAVAILABLE and stores nothing", async () => {
    const prefix = `wt-down-${randomBytes(4).toString("hex")}`;
    const host = `127.0.0.1:${await closedPort()}`;
    const backend = await open(amqpUrl(host, SECRET, prefix));
    const queue = uniqueQueueName("down");
    const expected = { type: BackendUnavailableError, code: "BACKEND_UNAVAILABLE", host } as const;

    expectConnectionError(
      await failureWithin(new Queue(queue, { backend }).add("x", {}), BOUND_MS, "add"),
      expected,
    );
    expectConnectionError(await failureWithin(backend.ping(), BOUND_MS, "ping"), expected);
    expectConnectionError(await firstWorkerError(backend, queue, BOUND_MS), expected);
    expect(await storedQueues(prefix)).toEqual([]);
  });

  it(
    "an amqp:// URL at the Redis port fails add within the bound with CONNECT_TIMEOUT and stores nothing",
    { timeout: 60_000 },
    async () => {
      const prefix = `wt-proto-${randomBytes(4).toString("hex")}`;
      const redis = new URL(SERVICE_URLS.redis);
      const host = `${redis.hostname}:${redis.port || "6379"}`;
      const backend = await open(amqpUrl(host, SECRET, prefix));
      const add = new Queue(uniqueQueueName("proto"), { backend }).add("x", {});
      expectConnectionError(await failureWithin(add, BOUND_MS, "add"), {
        type: BackendUnavailableError,
        code: "CONNECT_TIMEOUT",
        host,
      });
      expect(await storedQueues(prefix)).toEqual([]);
    },
  );

  it("an amqp:// URL without ?store= is refused (a per-process memory store strands jobs); store=memory:// written out is allowed", async () => {
    const error = await failureWithin(createBackend(SERVICE_URLS.rabbitmq), BOUND_MS, "createBackend");
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe("INVALID_URL");
    expect((error as Error).message).toMatch(/store=redis:\/\/.*store=memory:\/\/.*one process/s);

    const explicit = new URL(SERVICE_URLS.rabbitmq);
    explicit.searchParams.set("store", "memory://");
    const backend = await open(explicit.toString());
    expect(backend.kind).toBe("amqp+memory");
  });
});
