import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
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
  trackUnhandled,
} from "../../helpers/connection-failures.js";
import { uniqueQueueName } from "../../helpers/harness.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const reachable = await requireService("postgres");
const redisReachable = await requireService("redis");
/** The default connect timeout (10 s) plus room for a loaded machine. */
const BOUND_MS = 25_000;
const server = new URL(SERVICE_URLS.postgres);
const serverHost = `${server.hostname}:${server.port || "5432"}`;

/** The test server's URL with another user, password or database. */
function variant(change: { user?: string; password?: string; database?: string }): string {
  const url = new URL(SERVICE_URLS.postgres);
  if (change.user !== undefined) url.username = change.user;
  if (change.password !== undefined) url.password = change.password;
  if (change.database !== undefined) url.pathname = `/${change.database}`;
  return url.toString();
}

describe.runIf(reachable)("PostgreSQL connection failures (real server)", () => {
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

  it("a refused connection fails add, ping, a worker and QueueEvents with BACKEND_UNAVAILABLE naming the host", async () => {
    const host = `127.0.0.1:${await closedPort()}`;
    const backend = await open(`postgres://postgres:${SECRET}@${host}/test`);
    const queue = uniqueQueueName("refused");
    const expected = { type: BackendUnavailableError, code: "BACKEND_UNAVAILABLE", host } as const;

    expectConnectionError(
      await failureWithin(new Queue(queue, { backend }).add("x", {}), BOUND_MS, "add"),
      expected,
    );
    expectConnectionError(await failureWithin(backend.ping(), BOUND_MS, "ping"), expected);
    expectConnectionError(await firstWorkerError(backend, queue, BOUND_MS), expected);
    expectConnectionError(await firstEventsError(backend, queue, BOUND_MS), expected);
  });

  it.runIf(redisReachable)(
    "a postgres:// URL at the Redis port fails within the bound with CONNECT_TIMEOUT instead of hanging",
    { timeout: 60_000 },
    async () => {
      const redis = new URL(SERVICE_URLS.redis);
      const host = `${redis.hostname}:${redis.port || "6379"}`;
      const backend = await open(`postgres://postgres:${SECRET}@${host}/test`);
      const expected = { type: BackendUnavailableError, code: "CONNECT_TIMEOUT", host } as const;
      // Both wait out the same bound: run them side by side.
      const [added, pinged] = await Promise.all([
        failureWithin(new Queue(uniqueQueueName("wrong-port"), { backend }).add("x", {}), BOUND_MS, "add"),
        failureWithin(backend.ping(), BOUND_MS, "ping"),
      ]);
      expectConnectionError(added, expected);
      expectConnectionError(pinged, expected);
    },
  );

  it("a role the server refuses fails with AUTH_FAILED, and the password appears nowhere", async () => {
    const user = `warren_no_such_role_${randomBytes(3).toString("hex")}`;
    const backend = await open(variant({ user, password: SECRET }));
    const queue = uniqueQueueName("auth");
    const expected = { type: AuthenticationError, code: "AUTH_FAILED", host: serverHost } as const;

    expectConnectionError(
      await failureWithin(new Queue(queue, { backend }).add("x", {}), BOUND_MS, "add"),
      expected,
    );
    expectConnectionError(await failureWithin(backend.ping(), BOUND_MS, "ping"), expected);
    expectConnectionError(await firstWorkerError(backend, queue, BOUND_MS), expected);
  });

  it("a database that does not exist is refused with INVALID_URL", async () => {
    const database = `warren_no_such_db_${randomBytes(3).toString("hex")}`;
    const backend = await open(variant({ database, password: SECRET }));
    const error = await failureWithin(
      new Queue(uniqueQueueName("db"), { backend }).add("x", {}),
      BOUND_MS,
      "add",
    );
    expectConnectionError(error, { type: ValidationError, code: "INVALID_URL", host: serverHost });
    expect((error as Error).message).toContain(database);
  });

  it("an unknown URL parameter is refused before anything connects, naming the likely intended one", async () => {
    const error = await failureWithin(
      createBackend(`${SERVICE_URLS.postgres}?schem=app`),
      BOUND_MS,
      "createBackend",
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe("INVALID_URL");
    expect((error as Error).message).toContain("?schema=");
  });
});
