import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
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
  firstEventsError,
  firstWorkerError,
  settleRejections,
  silentServer,
  trackUnhandled,
} from "../../helpers/connection-failures.js";
import { uniqueQueueName } from "../../helpers/harness.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const reachable = await requireService("redis");
const postgresReachable = await requireService("postgres");
/** The default connect timeout (10 s) plus room for a loaded machine. */
const BOUND_MS = 25_000;
const server = new URL(SERVICE_URLS.redis);
const serverHost = `${server.hostname}:${server.port || "6379"}`;

describe.runIf(reachable)("Redis connection failures (real server)", () => {
  const unhandled = trackUnhandled();
  const backends: Backend[] = [];
  const open = async (url: string): Promise<Backend> => {
    const backend = await createBackend(url);
    backends.push(backend);
    return backend;
  };

  afterEach(async () => {
    await Promise.all(backends.splice(0).map((backend) => backend.close()));
    await settleRejections();
    expect(unhandled.reasons.splice(0)).toEqual([]);
  });

  it(
    "an unreachable server fails add, ping, a worker and QueueEvents with BACKEND_UNAVAILABLE naming the host",
    { timeout: 60_000 },
    async () => {
      const port = await closedPort();
      const host = `127.0.0.1:${port}`;
      const backend = await open(`redis://:${SECRET}@${host}/0`);
      const queue = uniqueQueueName("unreachable");
      const expected = { type: BackendUnavailableError, code: "BACKEND_UNAVAILABLE", host } as const;

      expectConnectionError(
        await failureWithin(new Queue(queue, { backend }).add("x", {}), BOUND_MS, "add"),
        expected,
      );
      // The registry write beside the enqueue script used to reject unhandled here, and Node 20 exits on that.
      await settleRejections();
      expect(unhandled.reasons).toEqual([]);
      expectConnectionError(await failureWithin(backend.ping(), BOUND_MS, "ping"), expected);
      expectConnectionError(await firstWorkerError(backend, queue, BOUND_MS), expected);
      expectConnectionError(await firstEventsError(backend, queue, BOUND_MS), expected);
    },
  );

  it("refused credentials fail with AUTH_FAILED, and the password appears nowhere", async () => {
    // No such ACL user: Redis answers WRONGPASS whatever the server's own password setup.
    const url = `redis://warren-no-such-user-${randomBytes(3).toString("hex")}:${SECRET}@${serverHost}/0`;
    const backend = await open(url);
    const queue = uniqueQueueName("auth");
    const expected = { type: AuthenticationError, code: "AUTH_FAILED", host: serverHost } as const;

    expectConnectionError(
      await failureWithin(new Queue(queue, { backend }).add("x", {}), BOUND_MS, "add"),
      expected,
    );
    expectConnectionError(await failureWithin(backend.ping(), BOUND_MS, "ping"), expected);
    expectConnectionError(await firstWorkerError(backend, queue, BOUND_MS), expected);
    expectConnectionError(await firstEventsError(backend, queue, BOUND_MS), expected);
  });

  it("a database index the server does not have is refused with INVALID_URL, and nothing is written", async () => {
    const admin = new Redis(SERVICE_URLS.redis);
    try {
      const config = (await admin.config("GET", "databases").catch(() => [])) as string[];
      const missing = Number(config[1] ?? 16);
      const prefix = `wt-db-${randomBytes(4).toString("hex")}`;
      const backend = await open(`redis://${serverHost}/${missing}?prefix=${prefix}`);
      const queue = uniqueQueueName("db");
      const expected = { type: ValidationError, code: "INVALID_URL", host: serverHost } as const;

      const error = await failureWithin(new Queue(queue, { backend }).add("x", {}), BOUND_MS, "add");
      expectConnectionError(error, expected);
      expect((error as Error).message).toContain(`database ${missing}`);
      expectConnectionError(await failureWithin(backend.ping(), BOUND_MS, "ping"), expected);
      // ioredis used to carry on in database 0 after the failed SELECT: the job landed there.
      expect(await admin.keys(`*${prefix}*`)).toEqual([]);
    } finally {
      admin.disconnect();
    }
  });

  it(
    "a port that accepts but never answers fails within the bound with CONNECT_TIMEOUT",
    { timeout: 60_000 },
    async () => {
      const silent = await silentServer();
      try {
        const host = `127.0.0.1:${silent.port}`;
        const backend = await open(`redis://${host}/0`);
        const expected = { type: BackendUnavailableError, code: "CONNECT_TIMEOUT", host } as const;
        const add = new Queue(uniqueQueueName("silent"), { backend }).add("x", {});
        expectConnectionError(await failureWithin(add, BOUND_MS, "add"), expected);
      } finally {
        await silent.close();
      }
    },
  );

  it.runIf(postgresReachable)(
    "a redis:// URL at the PostgreSQL port fails with BACKEND_UNAVAILABLE that points at the wrong server",
    { timeout: 60_000 },
    async () => {
      const postgres = new URL(SERVICE_URLS.postgres);
      const host = `${postgres.hostname}:${postgres.port || "5432"}`;
      const backend = await open(`redis://:${SECRET}@${host}/0`);
      const error = await failureWithin(backend.ping(), BOUND_MS, "ping");
      expectConnectionError(error, { type: BackendUnavailableError, code: "BACKEND_UNAVAILABLE", host });
      expect((error as Error).message).toMatch(/Redis server/);
    },
  );

  it("an unknown URL parameter is refused before anything connects, naming the likely intended one", async () => {
    const error = await failureWithin(
      createBackend(`${SERVICE_URLS.redis}?prefx=app`),
      BOUND_MS,
      "createBackend",
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe("INVALID_URL");
    expect((error as Error).message).toContain("?prefix=");
  });
});
