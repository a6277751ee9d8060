import { describe, expect, it } from "vitest";
import {
  amqpUrlOptions,
  assertDriverUrl,
  backendScheme,
  memoryUrlOptions,
  postgresUrlOptions,
  redisUrlOptions,
} from "../../../src/backend/url-options.js";
import {
  resolveAmqpDeliveryOptions,
  type AmqpDeliveryOptions,
} from "../../../src/backend/amqp/amqp-options.js";
import type { PostgresStoreOptions } from "../../../src/backend/postgres/index.js";
import type { RedisStoreOptions } from "../../../src/backend/redis/index.js";
import type {
  AmqpUrlOptions,
  PostgresUrlOptions,
  RedisUrlOptions,
} from "../../../src/backend/url-options.js";
import { refusedWith } from "../../helpers/refusal.js";

/** `true` when every key of `Url` is a key of `Options`: a URL gives only options its backend has. */
type KeysWithin<Url, Options> = [Exclude<keyof Url, keyof Options>] extends [never] ? true : false;

const refusal = (parse: () => unknown) => refusedWith("INVALID_URL", parse);

describe("backend URL options", () => {
  it("groups schemes by backend", () => {
    expect(backendScheme("rediss://h")).toBe("redis");
    expect(backendScheme("postgresql://h/db")).toBe("postgres");
    expect(backendScheme("AMQPS://h")).toBe("amqp");
    expect(backendScheme("memory://")).toBe("memory");
    expect(backendScheme("mysql://h")).toBeUndefined();
  });

  it("a redis URL gives its prefix and connect timeout and keeps neither in the driver's URL", () => {
    expect(redisUrlOptions("redis://:pw@127.0.0.1:6379/2?prefix=app&connectTimeout=2500")).toEqual({
      url: "redis://:pw@127.0.0.1:6379/2",
      prefix: "app",
      connectTimeoutMs: 2500,
    });
    expect(redisUrlOptions("redis://127.0.0.1:6379")).toEqual({ url: "redis://127.0.0.1:6379" });
  });

  it("an unknown parameter is refused, naming the known ones and the likely intended one", () => {
    const error = refusal(() => redisUrlOptions("redis://:hunter2@127.0.0.1:6379/0?prefx=app"));
    expect(error.message).toContain("did you mean ?prefix=");
    expect(error.message).toContain("known: prefix, connectTimeout");
    expect(error.message).not.toContain("hunter2");
    expect(error.details).toMatchObject({ parameter: "prefx", suggestion: "prefix" });
  });

  it("a parameter far from every known one gets no guess", () => {
    const error = refusal(() => redisUrlOptions("redis://127.0.0.1:6379/0?maxRetriesPerRequest=1"));
    expect(error.message).not.toContain("did you mean");
    expect(error.details).not.toHaveProperty("suggestion");
  });

  it("a repeated, empty or malformed value is refused", () => {
    expect(refusal(() => redisUrlOptions("redis://h/0?prefix=a&prefix=b")).message).toContain("2 times");
    expect(refusal(() => redisUrlOptions("redis://h/0?prefix=")).message).toContain("empty");
    expect(refusal(() => redisUrlOptions("redis://h/0?connectTimeout=0")).message).toContain(
      "positive whole",
    );
    expect(refusal(() => redisUrlOptions("redis://h/0?connectTimeout=1.5")).message).toContain(
      "positive whole",
    );
  });

  it("a redis database that is not a number is refused", () => {
    expect(refusal(() => redisUrlOptions("redis://h:6379/cache")).message).toContain("database");
    expect(redisUrlOptions("redis://h:6379/15").url).toBe("redis://h:6379/15");
  });

  it("a postgres URL gives its schema, passes pg's own parameters through, and reads libpq's connect_timeout", () => {
    expect(
      postgresUrlOptions("postgres://u@h:5432/db?schema=jobs&sslmode=require&application_name=app"),
    ).toEqual({
      url: "postgres://u@h:5432/db?sslmode=require&application_name=app",
      schema: "jobs",
    });
    expect(
      postgresUrlOptions(`postgres://u@pooler/db?directUrl=${encodeURIComponent("postgres://u@db:5432/db")}`),
    ).toEqual({ url: "postgres://u@pooler/db", directUrl: "postgres://u@db:5432/db" });
    expect(postgresUrlOptions("postgres://u@h/db?connect_timeout=3").connectTimeoutMs).toBe(3_000);
    expect(postgresUrlOptions("postgres://u@h/db?connectTimeout=700").connectTimeoutMs).toBe(700);
    refusal(() => postgresUrlOptions("postgres://u@h/db?connect_timeout=3&connectTimeout=700"));
    expect(refusal(() => postgresUrlOptions("postgres://u@h/db?schem=jobs")).message).toContain(
      "did you mean ?schema=",
    );
  });

  it("an amqp URL needs a store, explains why, and allows store=memory:// written out", () => {
    const error = refusal(() => amqpUrlOptions("amqp://guest:hunter2@h:5672/"));
    expect(error.message).toMatch(/every producer and worker must share/);
    expect(error.message).toContain("store=memory://");
    expect(error.message).not.toContain("hunter2");
    expect(amqpUrlOptions("amqp://h:5672/?store=memory://")).toEqual({
      url: "amqp://h:5672/",
      storeUrl: "memory://",
    });
  });

  it("an amqp URL keeps amqplib's parameters and reads an encoded store URL with its own parameters", () => {
    const store = encodeURIComponent("redis://r:6379/0?prefix=app&connectTimeout=900");
    expect(amqpUrlOptions(`amqp://h/vh?heartbeat=10&store=${store}&connectTimeout=1500`)).toEqual({
      url: "amqp://h/vh?heartbeat=10",
      storeUrl: "redis://r:6379/0?prefix=app&connectTimeout=900",
      connectTimeoutMs: 1500,
    });
    expect(refusal(() => amqpUrlOptions("amqp://h/?stroe=memory://")).message).toContain(
      "did you mean ?store=",
    );
  });

  it("a memory URL takes no parameters", () => {
    expect(() => memoryUrlOptions("memory://")).not.toThrow();
    expect(refusal(() => memoryUrlOptions("memory://?prefix=a")).message).toContain("take no parameters");
  });

  it("a backend constructor's URL may carry only the driver's parameters, and is told where Warren's go", () => {
    expect(() =>
      assertDriverUrl("postgres://h/db?sslmode=require", "postgres", "PostgresBackend"),
    ).not.toThrow();
    expect(refusal(() => assertDriverUrl("redis://h/0?prefix=a", "redis", "RedisBackend")).message).toContain(
      "pass it as an option",
    );
    refusal(() => assertDriverUrl("amqp://h/?frameMx=1", "amqp", "AmqpBackend"));
  });

  it("a backend constructor refuses another backend's URL, and says what it needs, without the password", () => {
    const wrong = refusal(() => assertDriverUrl("redis://:secret@h:6379/0", "postgres", "PostgresBackend"));
    expect(wrong.message).toContain("PostgresBackend needs a postgres:// (or postgresql://) URL");
    expect(wrong.message).toContain("createBackend(url)");
    expect(wrong.message).not.toContain("secret");
    expect(wrong.details).toEqual({ expected: "postgres", got: "redis" });
    expect(refusal(() => assertDriverUrl("127.0.0.1:5672", "amqp", "AmqpBackend")).details).toEqual({
      expected: "amqp",
      got: null,
    });
    expect(() => assertDriverUrl("postgresql://h/db", "postgres", "PostgresBackend")).not.toThrow();
    expect(() => assertDriverUrl("rediss://h:6380", "redis", "RedisBackend")).not.toThrow();
  });

  it("every parameter a URL gives is an option its backend accepts", () => {
    const redis: KeysWithin<RedisUrlOptions, RedisStoreOptions> = true;
    const postgres: KeysWithin<PostgresUrlOptions, PostgresStoreOptions> = true;
    const amqp: KeysWithin<Omit<AmqpUrlOptions, "storeUrl">, AmqpDeliveryOptions> = true;
    expect([redis, postgres, amqp]).toEqual([true, true, true]);
    const { storeUrl, ...options } = amqpUrlOptions(
      "amqp://h/vh?heartbeat=10&store=memory://&connectTimeout=1500",
    );
    expect(storeUrl).toBe("memory://");
    expect(resolveAmqpDeliveryOptions(options)).toMatchObject({
      url: "amqp://h/vh?heartbeat=10",
      connectTimeoutMs: 1500,
    });
  });

  it("a string that is not a URL is refused", () => {
    refusal(() => redisUrlOptions("redis://[::1"));
  });
});
