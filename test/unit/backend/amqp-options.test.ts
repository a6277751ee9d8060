// AmqpBackend's options are checked at construction, before any connection: unknown keys and ill-typed values
// are refused by name, and what is left out takes its default from one frozen object.
import { describe, expect, it } from "vitest";
import { AmqpBackend } from "../../../src/backend/amqp/amqp-backend.js";
import {
  AMQP_DEFAULTS,
  derivedPrefetch,
  resolveAmqpDeliveryOptions,
  splitAmqpBackendOptions,
  type AmqpBackendOptions,
} from "../../../src/backend/amqp/amqp-options.js";
import { MemoryBackend, MemoryStore } from "../../../src/backend/memory/index.js";
import { refusedWith } from "../../helpers/refusal.js";

const URL = "amqp://guest:guest@127.0.0.1:5672";

const refusal = (build: () => unknown, code = "INVALID_OPTION") => refusedWith(code, build);

const resolve = (options: Record<string, unknown>) => resolveAmqpDeliveryOptions({ url: URL, ...options });

describe("AMQP options", () => {
  it("an unknown option is refused with INVALID_OPTION, naming it and saying to check its spelling", () => {
    const error = refusal(() => resolve({ prefetc: 4 }));
    expect(error.message).toContain("unknown option prefetc");
    expect(error.message).toContain("check the spelling");
  });

  it("new AmqpBackend refuses an unknown option before it connects", async () => {
    const store = new MemoryStore();
    const options = { url: URL, store, exchnage: "app" } as AmqpBackendOptions;
    expect(refusal(() => new AmqpBackend(options)).message).toContain("exchnage");
    await store.close();
  });

  it.each([
    [{ prefetch: 0 }, /prefetch must be >= 1; leave it out/],
    [{ prefetch: 1.5 }, /prefetch must be a whole number/],
    [{ prefetch: 70_000 }, /prefetch must be at most 65535/],
    [{ queueType: "stream" }, /queueType must be one of classic, quorum \(got "stream"\)/],
    [{ exchange: "" }, /exchange must be a non-empty/],
    [{ exchange: 7 }, /exchange must be a string/],
    [{ tls: "ca.pem" }, /tls must be an object of socket options/],
    [{ publishTimeoutMs: 0 }, /publishTimeoutMs must be >= 1 ms/],
    [{ redeliverAfterMs: 2.5 }, /redeliverAfterMs must be a whole number of ms/],
    [{ connectTimeoutMs: 2 ** 31 }, /connectTimeoutMs must be at most 2147483647 ms/],
    [{ onError: "log" }, /onError must be a function/],
    [{ connectionName: "" }, /connectionName must not be empty/],
  ])("%j is refused with INVALID_OPTION, naming the key", (options, message) => {
    expect(refusal(() => resolve(options)).message).toMatch(message);
  });

  it("a url that is not amqp://, or that carries Warren's own parameters, is refused with INVALID_URL", () => {
    const message = /needs an amqp:\/\/ or amqps:\/\/ url/;
    expect(refusal(() => resolve({ url: "redis://127.0.0.1:6379" }), "INVALID_URL").message).toMatch(message);
    expect(refusal(() => resolve({ url: undefined }), "INVALID_URL").message).toMatch(message);
    const warren = refusal(() => resolve({ url: `${URL}/?store=memory://` }), "INVALID_URL");
    expect(warren.message).toContain("pass it as an option");
    expect(resolve({ url: "AMQPS://h:5671/vh?heartbeat=10" }).url).toBe("AMQPS://h:5671/vh?heartbeat=10");
  });

  it("what is left out, or given as undefined, takes its default; the result and the defaults are frozen", () => {
    const resolved = resolve({ exchange: undefined });
    expect(resolved).toMatchObject({ ...AMQP_DEFAULTS, tls: {}, url: URL });
    // The default onError reports through the default logger, so it is made per backend.
    expect(resolved.logger).toBe(AMQP_DEFAULTS.logger);
    expect(typeof resolved.onError).toBe("function");
    expect(AMQP_DEFAULTS).toMatchObject({
      queueType: "classic",
      exchange: "warren",
      publishTimeoutMs: 5_000,
      redeliverAfterMs: 30_000,
      connectTimeoutMs: 10_000,
      connectionName: `warren-${process.pid}`,
    });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved.tls)).toBe(true);
    expect(Object.isFrozen(AMQP_DEFAULTS)).toBe(true);
    expect(Object.isFrozen(AMQP_DEFAULTS.tls)).toBe(true);
  });

  it("given values are kept; tls is copied, so a later change to the caller's object does not reach the socket", () => {
    const onError = (): void => {};
    const tls = { servername: "broker" };
    const resolved = resolve({ queueType: "quorum", exchange: "app", tls, publishTimeoutMs: 1_000, onError });
    expect(resolved).toMatchObject({ queueType: "quorum", exchange: "app", publishTimeoutMs: 1_000 });
    expect(resolved.onError).toBe(onError);
    tls.servername = "elsewhere";
    expect(resolved.tls).toEqual({ servername: "broker" });
  });

  it("prefetch is the option when given, else derived from the worker's first fetch (twice its concurrency, 2–500)", () => {
    expect(resolve({ prefetch: 7 }).prefetchFor(100)).toBe(7);
    const derived = resolve({}).prefetchFor;
    expect(derived).toBe(derivedPrefetch);
    expect([derived(0), derived(1), derived(5), derived(1_000)]).toEqual([2, 4, 20, 500]);
  });

  it("AmqpBackend's store must be a JobStore: missing, a backend, or something else is refused, naming the stores", async () => {
    const split = (store: unknown) => () =>
      splitAmqpBackendOptions({ url: URL, store } as AmqpBackendOptions);
    expect(refusal(split(undefined)).message).toMatch(/needs \{ store \}.*new RedisStore/);
    const backend = new MemoryBackend();
    expect(refusal(split(backend)).message).toMatch(/is a backend; give it a store/);
    expect(refusal(split("redis://127.0.0.1:6379")).message).toMatch(/must be a JobStore \(got string\)/);
    expect(refusal(split({ clock: {} })).message).toMatch(/it has no watch, takeOutbox/);
    expect(refusal(() => splitAmqpBackendOptions(undefined as never)).message).toContain("{ url, store }");
    const store = new MemoryStore();
    expect(splitAmqpBackendOptions({ url: URL, store, prefetch: 3 })).toEqual({
      store,
      // The transport logs through its store's logger unless given its own.
      delivery: { url: URL, prefetch: 3, logger: store.logger },
    });
    await Promise.all([backend.close(), store.close()]);
  });
});
