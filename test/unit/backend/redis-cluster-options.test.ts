// The Redis Cluster surface (`cluster: { nodes }`, `redis+cluster://` URLs) and its pure helpers: keySlot, and the
// order a cross-queue batch is stored in.
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../src/errors/warren-error.js";
import { RedisStore, type RedisStoreOptions } from "../../../src/backend/redis/index.js";
import { keySlot } from "../../../src/backend/redis/redis-client.js";
import { storeLevels } from "../../../src/backend/redis/redis-cross-queue.js";
import type { NewJobRecord } from "../../../src/backend/records.js";
import { resolveRedisStoreOptions } from "../../../src/backend/redis/redis-options.js";
import { backendScheme, redisUrlOptions } from "../../../src/backend/url-options.js";

/** The ValidationError `call` throws (fails the test when none is thrown). */
function refusal(call: () => unknown): ValidationError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error("expected a ValidationError");
}

const resolve = (options: unknown) => () => resolveRedisStoreOptions(options as RedisStoreOptions);

describe("Redis Cluster options", () => {
  it("cluster.nodes is kept, frozen, with its credentials", () => {
    const resolved = resolveRedisStoreOptions({
      cluster: { nodes: ["127.0.0.1:7000", "[::1]:7001"], username: "app", password: "pw" },
      prefix: "app",
    });
    expect(resolved.cluster).toEqual({
      nodes: ["127.0.0.1:7000", "[::1]:7001"],
      username: "app",
      password: "pw",
    });
    expect(Object.isFrozen(resolved.cluster)).toBe(true);
    expect(resolveRedisStoreOptions({}).cluster).toBeUndefined();
  });

  it("a node that is not host:port, an empty list, or an unknown key is refused with INVALID_OPTION", () => {
    const bad = refusal(resolve({ cluster: { nodes: ["127.0.0.1"] } }));
    expect(bad.code).toBe("INVALID_OPTION");
    expect(bad.message).toContain('"host:port"');
    expect(refusal(resolve({ cluster: { nodes: ["h:70000"] } })).message).toContain("65535");
    expect(refusal(resolve({ cluster: { nodes: [] } })).message).toContain("at least one node");
    expect(refusal(resolve({ cluster: { nodes: "h:7000" } })).message).toContain("array");
    expect(refusal(resolve({ cluster: { nodes: ["h:7000"], pasword: "x" } })).code).toBe("INVALID_OPTION");
  });

  it("cluster with url or client is refused: each says where Redis is", () => {
    const error = refusal(resolve({ cluster: { nodes: ["h:7000"] }, url: "redis://h:6379/0" }));
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain("url and cluster each say where Redis is");
    expect(error.details).toEqual({ options: ["url", "cluster"] });
    expect(() => new RedisStore({ cluster: { nodes: ["h:7000"] }, url: "redis://h" })).toThrow(
      ValidationError,
    );
  });

  it("redis+cluster:// URLs give the nodes, credentials and Warren's parameters", () => {
    expect(backendScheme("redis+cluster://h:7000")).toBe("redis");
    expect(redisUrlOptions("redis+cluster://a:7000,b:7001/?prefix=app&connectTimeout=500")).toEqual({
      cluster: { nodes: ["a:7000", "b:7001"] },
      prefix: "app",
      connectTimeoutMs: 500,
    });
    expect(redisUrlOptions("redis+cluster://u:p%40ss@[::1]:7000/0")).toEqual({
      cluster: { nodes: ["[::1]:7000"], username: "u", password: "p@ss" },
    });
  });

  it("a cluster URL without ports, with a database other than 0, or with an unknown parameter is refused", () => {
    expect(refusal(() => redisUrlOptions("redis+cluster://a")).message).toContain("host:port");
    expect(refusal(() => redisUrlOptions("redis+cluster:///")).message).toContain("name its nodes");
    expect(refusal(() => redisUrlOptions("redis+cluster://a:7000/3")).message).toContain("database 0 only");
    const unknown = refusal(() => redisUrlOptions("redis+cluster://:hunter2@a:7000/?prefx=1"));
    expect(unknown.code).toBe("INVALID_URL");
    expect(unknown.message).toContain("did you mean ?prefix=");
    expect(unknown.message).not.toContain("hunter2");
  });

  it("keySlot hashes the hash tag as Redis does (CLUSTER KEYSLOT)", () => {
    // Values from `redis-cli cluster keyslot`.
    expect(keySlot("foo")).toBe(12182);
    expect(keySlot("{warren:q1}:wait")).toBe(9272);
    expect(keySlot("a{}b")).toBe(13694);
    expect(keySlot("{user1000}.following")).toBe(3443);
  });
});

describe("cross-queue store order on a cluster", () => {
  const record = (queue: string, id: string, dependsOn: string[] = []): NewJobRecord =>
    ({ queue, id, opts: { dependsOn } }) as unknown as NewJobRecord;

  it("stores dependencies in other queues one level before their dependants; same-queue ones in the same call", () => {
    const levels = storeLevels([
      record("top", "assemble", ["parts:p1", "top:section"]),
      record("parts", "p1"),
      record("top", "section", ["parts:p3"]),
      record("parts", "p3"),
      record("parts", "p4", ["top:assemble"]),
      record("top", "solo", ["other:existing"]),
    ]);
    expect(levels).toEqual([1, 0, 1, 0, 2, 0]);
  });
});
