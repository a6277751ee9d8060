// URL → backend. Server drivers are imported lazily here, so `memory://` users load none of them.
import { redactUrl } from "../core/redact-url.js";
import { ValidationError } from "../errors/warren-error.js";
import type { Backend } from "./contract.js";
import type { JobStore } from "./job-store.js";

/** The URL used when none is given and WARREN_URL is unset. */
export const DEFAULT_BACKEND_URL = "memory://";

/**
 * Creates a backend from a URL: `memory://` (default), later `redis://`, `postgres://`, `amqp://…?store=…`.
 * Defaults to `process.env.WARREN_URL`, else `memory://`.
 * @example const backend = await createBackend(process.env.WARREN_URL);
 */
export async function createBackend(url?: string): Promise<Backend> {
  const target = url ?? process.env["WARREN_URL"] ?? DEFAULT_BACKEND_URL;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(target)?.[1]?.toLowerCase() ?? "";
  switch (scheme) {
    case "memory": {
      const { MemoryBackend } = await import("./memory/index.js");
      return new MemoryBackend();
    }
    case "redis":
    case "rediss": {
      const { RedisBackend } = await import("./redis/index.js");
      return new RedisBackend(redisOptions(target));
    }
    case "postgres":
    case "postgresql": {
      const { PostgresBackend } = await import("./postgres/index.js");
      return new PostgresBackend(postgresOptions(target));
    }
    case "amqp":
    case "amqps":
      return createAmqpBackend(target);
    default:
      throw new ValidationError(
        "INVALID_URL",
        `no backend for ${JSON.stringify(redactUrl(target))}; use memory://, ` +
          `redis://, postgres://, or amqp://…?store=…`,
        { details: { scheme } },
      );
  }
}

/** `amqp://…?store=<store url>`: the store defaults to memory://. */
async function createAmqpBackend(target: string): Promise<Backend> {
  const url = new URL(target);
  const storeUrl = url.searchParams.get("store") ?? "memory://";
  url.searchParams.delete("store");
  const store = await createStore(storeUrl);
  const { AmqpBackend } = await import("./amqp/index.js");
  return new AmqpBackend({ url: url.toString(), store });
}

/** A JobStore from its URL. */
async function createStore(url: string): Promise<JobStore> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase() ?? "";
  switch (scheme) {
    case "memory": {
      const { MemoryStore } = await import("./memory/index.js");
      return new MemoryStore();
    }
    case "redis":
    case "rediss": {
      const { RedisStore } = await import("./redis/index.js");
      return new RedisStore(redisOptions(url));
    }
    case "postgres":
    case "postgresql": {
      const { PostgresStore } = await import("./postgres/index.js");
      return new PostgresStore(postgresOptions(url));
    }
    default:
      throw new ValidationError(
        "INVALID_URL",
        `no job store for ${JSON.stringify(redactUrl(url))}; use store=memory://, store=redis:// or store=postgres://`,
      );
  }
}

/** `redis://host:port/db?prefix=name`: the prefix query parameter becomes the key prefix. */
function redisOptions(target: string): { url: string; prefix?: string } {
  const url = new URL(target);
  const prefix = url.searchParams.get("prefix") ?? undefined;
  url.searchParams.delete("prefix");
  return prefix === undefined ? { url: url.toString() } : { url: url.toString(), prefix };
}

/** `postgres://…?schema=name`: the schema query parameter selects Warren's schema. */
function postgresOptions(target: string): { url: string; schema?: string } {
  const url = new URL(target);
  const schema = url.searchParams.get("schema") ?? undefined;
  url.searchParams.delete("schema");
  return schema === undefined ? { url: url.toString() } : { url: url.toString(), schema };
}
