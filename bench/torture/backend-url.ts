// Backend URLs for a run: shorthand names, per-run isolation (key prefix, schema, exchange prefix), and the
// backend itself, built from the public classes so every connection carries a name the fault injectors find.
import {
  AmqpBackend,
  MemoryBackend,
  PostgresBackend,
  PostgresStore,
  RedisBackend,
  RedisStore,
  ValidationError,
  type AmqpQueueType,
  type Backend,
  type JobStore,
} from "../../src/index.js";
import { redisUrlOptions } from "../../src/backend/url-options.js";

/** Server URLs, overridable like the test suite's. */
export const SERVER_URLS = {
  redis: process.env["WARREN_TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379/0",
  postgres: process.env["WARREN_TEST_POSTGRES_URL"] ?? "postgres://postgres@127.0.0.1:5432/test",
  amqp: process.env["WARREN_TEST_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672",
  "redis-cluster":
    process.env["WARREN_TEST_REDIS_CLUSTER_URL"] ??
    "redis+cluster://127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002/",
} as const;

/** The five backends by short name. */
export const BACKEND_SHORTHANDS: Record<string, string> = {
  memory: "memory://",
  redis: SERVER_URLS.redis,
  postgres: SERVER_URLS.postgres,
  "amqp+redis": `${SERVER_URLS.amqp}?store=${encodeURIComponent(SERVER_URLS.redis)}`,
  "amqp+postgres": `${SERVER_URLS.amqp}?store=${encodeURIComponent(SERVER_URLS.postgres)}`,
};

/** `redis`, `amqp+postgres`, …: what the report's table calls a backend URL. */
export function backendLabel(url: string): string {
  const scheme = schemeOf(url);
  if (scheme !== "amqp") return scheme;
  return `amqp+${schemeOf(new URL(url).searchParams.get("store") ?? "memory://")}`;
}

/** Which servers a URL uses, for fault injection and for skipping when one is down. */
export function serversOf(url: string): Set<ServerKind> {
  const scheme = schemeOf(url);
  const servers = new Set<ServerKind>();
  const add = (name: string): void => {
    if (name === "redis" || name === "postgres" || name === "amqp" || name === "redis+cluster") {
      servers.add(name === "redis+cluster" ? "redis-cluster" : name);
    }
  };
  add(scheme);
  if (scheme === "amqp") add(schemeOf(new URL(url).searchParams.get("store") ?? "memory://"));
  return servers;
}

/** A server a backend may use. */
export type ServerKind = "redis" | "postgres" | "amqp" | "redis-cluster";

/** The URL with this run's own key prefix, schema and exchange prefix, so runs never see each other's jobs. */
export function isolateUrl(url: string, runId: string): string {
  const scheme = schemeOf(url);
  if (scheme === "memory") return url;
  // One URL, several hosts: WHATWG URL cannot parse it.
  if (scheme === "redis+cluster") return `${url}${url.includes("?") ? "&" : "?"}prefix=torture-${runId}`;
  const parsed = new URL(url);
  if (scheme === "redis") parsed.searchParams.set("prefix", `torture-${runId}`);
  if (scheme === "postgres") parsed.searchParams.set("schema", `torture_${runId}`);
  if (scheme === "amqp") {
    parsed.searchParams.set("exchange", `torture-${runId}`);
    parsed.searchParams.set("store", isolateUrl(parsed.searchParams.get("store") ?? "memory://", runId));
  }
  return parsed.toString();
}

/** Replaces the Redis host:port of a URL (the redis backend or an amqp URL's redis store). */
export function withRedisAt(url: string, hostPort: string): string {
  const scheme = schemeOf(url);
  const parsed = new URL(url);
  if (scheme === "redis") parsed.host = hostPort;
  if (scheme === "amqp")
    parsed.searchParams.set("store", withRedisAt(parsed.searchParams.get("store")!, hostPort));
  return parsed.toString();
}

/** Opens a backend whose every server connection is named `connectionName`. */
export function openBackend(url: string, connectionName: string, onError: (error: Error) => void): Backend {
  const scheme = schemeOf(url);
  if (scheme === "redis+cluster")
    return new RedisBackend({ ...redisUrlOptions(url), connectionName, onError });
  const parsed = new URL(url);
  switch (scheme) {
    case "memory":
      return new MemoryBackend();
    case "redis":
      return new RedisBackend({ ...redisParts(parsed), connectionName, onError });
    case "postgres":
      return new PostgresBackend({ ...postgresParts(parsed), applicationName: connectionName, onError });
    case "amqp": {
      const store = openStore(parsed.searchParams.get("store") ?? "memory://", connectionName, onError);
      const exchange = parsed.searchParams.get("exchange") ?? undefined;
      // `?queueType=quorum` runs the checker on quorum queues (validated by AmqpBackend).
      const queueType = parsed.searchParams.get("queueType") ?? undefined;
      parsed.searchParams.delete("store");
      parsed.searchParams.delete("exchange");
      parsed.searchParams.delete("queueType");
      return new AmqpBackend({
        url: parsed.toString(),
        store,
        connectionName,
        onError,
        ...(exchange ? { exchange } : {}),
        ...(queueType ? { queueType: queueType as AmqpQueueType } : {}),
      });
    }
    default:
      throw new ValidationError(
        "INVALID_URL",
        `torture has no backend for ${scheme}://; use ${Object.keys(BACKEND_SHORTHANDS).join(", ")}`,
      );
  }
}

function openStore(url: string, connectionName: string, onError: (error: Error) => void): JobStore {
  if (schemeOf(url) === "redis+cluster")
    return new RedisStore({ ...redisUrlOptions(url), connectionName, onError });
  const parsed = new URL(url);
  switch (schemeOf(url)) {
    case "redis":
      return new RedisStore({ ...redisParts(parsed), connectionName, onError });
    case "postgres":
      return new PostgresStore({ ...postgresParts(parsed), applicationName: connectionName, onError });
    default:
      throw new ValidationError(
        "INVALID_URL",
        "torture runs amqp with store=redis://… or store=postgres://… (a memory store cannot be shared by worker processes)",
      );
  }
}

function redisParts(url: URL): { url: string; prefix?: string } {
  const prefix = url.searchParams.get("prefix") ?? undefined;
  const bare = new URL(url);
  bare.searchParams.delete("prefix");
  return prefix === undefined ? { url: bare.toString() } : { url: bare.toString(), prefix };
}

function postgresParts(url: URL): { url: string; schema?: string } {
  const schema = url.searchParams.get("schema") ?? undefined;
  const bare = new URL(url);
  bare.searchParams.delete("schema");
  return schema === undefined ? { url: bare.toString() } : { url: bare.toString(), schema };
}

function schemeOf(url: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase() ?? "";
  if (scheme === "rediss") return "redis";
  if (scheme === "postgresql") return "postgres";
  if (scheme === "amqps") return "amqp";
  return scheme;
}
