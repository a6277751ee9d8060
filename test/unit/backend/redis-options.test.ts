import { describe, expect, it } from "vitest";
import { systemClock } from "../../../src/core/clock.js";
import { ValidationError } from "../../../src/errors/warren-error.js";
import { RedisBackend, RedisStore, type RedisStoreOptions } from "../../../src/backend/redis/index.js";
import {
  DEFAULT_REDIS_OPTIONS,
  REDIS_OPTION_NAMES,
  resolveRedisStoreOptions,
} from "../../../src/backend/redis/redis-options.js";
import { redisUrlOptions } from "../../../src/backend/url-options.js";
import { FakeClock } from "../../../src/testing/index.js";

/** The error `resolve` throws for `options` (fails the test when none is thrown). */
function refusal(options: unknown): ValidationError {
  try {
    resolveRedisStoreOptions(options as RedisStoreOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error("expected the options to be refused");
}

describe("Redis store options", () => {
  it("an unknown key is refused with INVALID_OPTION, naming it and the option it likely meant", () => {
    const error = refusal({ prefx: "app" });
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain("unknown option prefx (did you mean prefix?)");
    expect(error.message).toContain(REDIS_OPTION_NAMES.join(", "));
    expect(error.details).toEqual({ options: ["prefx"] });
  });

  it("the constructors refuse an unknown key before opening any connection", () => {
    expect(() => new RedisStore({ connectTimeout: 50 } as RedisStoreOptions)).toThrow(
      /unknown option connectTimeout \(did you mean connectTimeoutMs\?\)/,
    );
    expect(() => new RedisBackend({ prefix: "ok", host: "x" } as RedisStoreOptions)).toThrow(
      /unknown option host/,
    );
  });

  it.each([
    [{ connectTimeoutMs: "1000" }, "connectTimeoutMs must be a number of ms"],
    [{ connectTimeoutMs: 0 }, "connectTimeoutMs must be at least 1 ms"],
    [{ connectTimeoutMs: 2.5 }, "connectTimeoutMs must be a whole number of ms"],
    [{ connectTimeoutMs: 2 ** 31 }, "connectTimeoutMs must be at most 2147483647 ms"],
    [{ prefix: 7 }, "prefix must be a string"],
    [{ prefix: "a:b" }, 'prefix must be 1–64 letters, digits, "_" or "-" (got "a:b")'],
    [{ url: 6379 }, "url must be a string"],
    [{ connectionName: "my app" }, "connectionName must be printable ASCII without spaces"],
    [{ clock: { now: () => 0 } }, "clock must be a Clock"],
    [{ onError: "log" }, "onError must be a function"],
    [{ client: {} }, "client must be an ioredis client"],
  ])("a wrong value %j is refused with INVALID_OPTION: %s", (options, message) => {
    const error = refusal(options);
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain(message);
  });

  it("a url carrying Warren's own parameters is refused with INVALID_URL, pointing at the option", () => {
    const error = refusal({ url: "redis://127.0.0.1:6379/0?prefix=app" });
    expect(error.code).toBe("INVALID_URL");
    expect(error.message).toContain("pass it as an option");
  });

  it("defaults are applied to every option left unset, and the result is frozen", () => {
    const resolved = resolveRedisStoreOptions({});
    // onError defaults to a reporter over the logger, made per store.
    expect(resolved).toEqual({
      ...DEFAULT_REDIS_OPTIONS,
      client: undefined,
      onError: expect.any(Function) as unknown,
    });
    expect(resolved.url).toBe("redis://127.0.0.1:6379/0");
    expect(resolved.prefix).toBe("warren");
    expect(resolved.connectionName).toBe("warren");
    expect(resolved.connectTimeoutMs).toBe(10_000);
    expect(resolved.clock).toBe(systemClock);
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(DEFAULT_REDIS_OPTIONS)).toBe(true);
  });

  it("given values win over the defaults; undefined counts as unset", () => {
    const clock = new FakeClock();
    const onError = (): void => undefined;
    const resolved = resolveRedisStoreOptions({ prefix: "app", clock, onError, connectionName: undefined });
    expect(resolved.prefix).toBe("app");
    expect(resolved.clock).toBe(clock);
    expect(resolved.onError).toBe(onError);
    expect(resolved.connectionName).toBe("warren");
  });

  it("accepts every option a redis:// URL carries", () => {
    const fromUrl = redisUrlOptions("redis://127.0.0.1:6379/2?prefix=app&connectTimeout=250");
    const resolved = resolveRedisStoreOptions(fromUrl);
    expect(resolved).toMatchObject({ url: "redis://127.0.0.1:6379/2", prefix: "app", connectTimeoutMs: 250 });
  });
});
