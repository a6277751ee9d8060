// The driver-error translations of every backend, without a server: class, code, host, and no password.
import { describe, expect, it } from "vitest";
import { amqpConnectError, classifyAmqpConnectError } from "../../../src/backend/amqp/connection-errors.js";
import { connectionTarget } from "../../../src/backend/connection-target.js";
import { classifyPgError, pgConnectionError } from "../../../src/backend/postgres/connection-errors.js";
import { classifyRedisError, redisConnectionError } from "../../../src/backend/redis/connection-errors.js";
import {
  AuthenticationError,
  BackendUnavailableError,
  ValidationError,
  WarrenError,
} from "../../../src/errors/index.js";

const SECRET = "hunter2-secret";

/** An Error with the properties a driver attaches. */
function driverError(message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), extra);
}

function said(error: unknown): string {
  const warren = error as WarrenError;
  return (
    JSON.stringify({ message: warren.message, details: warren.details, cause: warren.cause }) +
    String((warren.cause as Error | undefined)?.message)
  );
}

describe("Redis connection errors", () => {
  const target = connectionTarget(`redis://app:${SECRET}@10.0.0.5:6390/3`);
  const context = { target, connectTimeoutMs: 10_000, duringHandshake: false };

  it("refused credentials become AUTH_FAILED without the AUTH arguments ioredis attaches", () => {
    const raw = driverError("WRONGPASS invalid username-password pair or user is disabled.", {
      command: { name: "hello", args: ["3", "AUTH", "app", SECRET] },
    });
    const error = redisConnectionError(raw, context);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as WarrenError).code).toBe("AUTH_FAILED");
    expect((error as Error).message).toContain("10.0.0.5:6390");
    expect(said(error)).not.toContain(SECRET);
    expect((error as Error).cause).not.toHaveProperty("command");
  });

  it("retries exhausted become BACKEND_UNAVAILABLE that quote the last connection error", () => {
    const maxRetries = Object.assign(new Error("Reached the max retries per request limit (which is 3)."), {
      name: "MaxRetriesPerRequestError",
    });
    const last = driverError("connect ECONNREFUSED 10.0.0.5:6390", { code: "ECONNREFUSED" });
    const error = redisConnectionError(maxRetries, { ...context, lastConnectionError: last });
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as WarrenError).code).toBe("BACKEND_UNAVAILABLE");
    expect((error as Error).message).toContain("connect ECONNREFUSED");
    expect((error as WarrenError).retryable).toBe(true);
  });

  it("a bad database index is INVALID_URL, a timeout CONNECT_TIMEOUT, a foreign protocol points at the port", () => {
    expect(redisConnectionError(new Error("ERR DB index is out of range"), context)).toBeInstanceOf(
      ValidationError,
    );
    const timeout = redisConnectionError(driverError("connect ETIMEDOUT", { code: "ETIMEDOUT" }), context);
    expect((timeout as WarrenError).code).toBe("CONNECT_TIMEOUT");
    const protocol = redisConnectionError(
      new Error('Unknown RESP type 65 "A". Please report this.'),
      context,
    );
    expect((protocol as Error).message).toMatch(/does not answer in the Redis protocol/);
  });

  it("errors that are not about the connection pass through", () => {
    const script = new Error("ERR Error running script: wrong type");
    expect(classifyRedisError(script)).toBe("other");
    expect(redisConnectionError(script, context)).toBe(script);
  });
});

describe("PostgreSQL connection errors", () => {
  const target = connectionTarget(`postgres://app:${SECRET}@db.internal:5433/jobs`);
  const context = { target, connectTimeoutMs: 10_000, everConnected: false };

  it("28P01 and 28000 become AUTH_FAILED; 3D000 INVALID_URL", () => {
    for (const code of ["28P01", "28000"]) {
      const error = pgConnectionError(
        driverError(`password authentication failed for user "app"`, { code }),
        context,
      );
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as Error).message).toContain("db.internal:5433");
      expect(said(error)).not.toContain(SECRET);
    }
    const missing = pgConnectionError(
      driverError('database "jobs" does not exist', { code: "3D000" }),
      context,
    );
    expect(missing).toBeInstanceOf(ValidationError);
  });

  it("a refused socket is BACKEND_UNAVAILABLE and pg's connection timeout is CONNECT_TIMEOUT", () => {
    const refused = pgConnectionError(driverError("connect ECONNREFUSED", { code: "ECONNREFUSED" }), context);
    expect((refused as WarrenError).code).toBe("BACKEND_UNAVAILABLE");
    const timeout = pgConnectionError(new Error("Connection terminated due to connection timeout"), context);
    expect((timeout as WarrenError).code).toBe("CONNECT_TIMEOUT");
    expect(classifyPgError(new Error("timeout exceeded when trying to connect"))).toBe("timeout");
  });

  it("query errors pass through", () => {
    const unique = driverError("duplicate key value violates unique constraint", { code: "23505" });
    expect(pgConnectionError(unique, context)).toBe(unique);
  });
});

describe("RabbitMQ connection errors", () => {
  const target = connectionTarget(`amqp://app:${SECRET}@mq.internal:5672/prod`);
  const context = { target, connectTimeoutMs: 10_000 };

  it("403 ACCESS-REFUSED is AUTH_FAILED, a refused vhost too; both permanent", () => {
    const login = new Error(
      'Handshake terminated by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - Login was refused"',
    );
    expect(classifyAmqpConnectError(login)).toBe("auth");
    const error = amqpConnectError(login, context);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toContain("mq.internal:5672");
    expect(said(error)).not.toContain(SECRET);
    const vhost = amqpConnectError(
      new Error("Expected ConnectionOpenOk; got <ConnectionClose channel:0>"),
      context,
    );
    expect(vhost).toBeInstanceOf(AuthenticationError);
    expect(vhost.message).toContain('"prod"');
  });

  it("refused, timed-out and foreign-protocol attempts are BACKEND_UNAVAILABLE or CONNECT_TIMEOUT", () => {
    expect(
      amqpConnectError(driverError("connect ECONNREFUSED", { code: "ECONNREFUSED" }), context).code,
    ).toBe("BACKEND_UNAVAILABLE");
    expect(amqpConnectError(new Error("connect ETIMEDOUT"), context).code).toBe("CONNECT_TIMEOUT");
    const foreign = amqpConnectError(new Error("Socket closed abruptly during opening handshake"), context);
    expect(foreign.message).toMatch(/broke off the AMQP handshake/);
  });
});
