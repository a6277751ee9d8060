// URL → backend. Server drivers are imported lazily here, so `memory://` users load none of them. URL
// parameters are read (and unknown ones refused) in url-options.ts.
import { redactUrl } from "../core/redact-url.js";
import { ValidationError } from "../errors/warren-error.js";
import type { Backend } from "./contract.js";
import type { JobStore } from "./job-store.js";
import {
  amqpUrlOptions,
  backendScheme,
  memoryUrlOptions,
  postgresUrlOptions,
  redisUrlOptions,
} from "./url-options.js";

/** The URL used when none is given and WARREN_URL is unset. */
export const DEFAULT_BACKEND_URL = "memory://";

/**
 * Creates a backend from a URL: `memory://` (default), `redis://host:6379/0?prefix=…`,
 * `postgres://user@host:5432/db?schema=…`, or `amqp://user:pass@host:5672/?store=<redis:// or postgres:// url>`.
 * Defaults to `process.env.WARREN_URL`, else `memory://`. Every server URL also takes `connectTimeout` (ms).
 * An unknown URL parameter, or an `amqp://` URL without `store`, is refused with ValidationError INVALID_URL.
 * @example const backend = await createBackend(process.env.WARREN_URL);
 */
export async function createBackend(url?: string): Promise<Backend> {
  const target = url ?? process.env["WARREN_URL"] ?? DEFAULT_BACKEND_URL;
  switch (backendScheme(target)) {
    case "memory": {
      memoryUrlOptions(target);
      const { MemoryBackend } = await import("./memory/index.js");
      return new MemoryBackend();
    }
    case "redis": {
      const { RedisBackend } = await import("./redis/index.js");
      return new RedisBackend(redisUrlOptions(target));
    }
    case "postgres": {
      const { PostgresBackend } = await import("./postgres/index.js");
      return new PostgresBackend(postgresUrlOptions(target));
    }
    case "amqp":
      return createAmqpBackend(target);
    default:
      throw new ValidationError(
        "INVALID_URL",
        `no backend for ${JSON.stringify(redactUrl(target))}; use memory://, ` +
          `redis://, postgres://, or amqp://…?store=…`,
        { details: { scheme: /^([a-z][a-z0-9+.-]*):/i.exec(target)?.[1] ?? "" } },
      );
  }
}

/** `amqp://…?store=<store url>`: the store is required (see amqpUrlOptions). */
async function createAmqpBackend(target: string): Promise<Backend> {
  const { storeUrl, ...options } = amqpUrlOptions(target);
  const store = await createStore(storeUrl);
  const { AmqpBackend } = await import("./amqp/index.js");
  try {
    return new AmqpBackend({ ...options, store });
  } catch (error) {
    // The store already opened its connections: close them, or the process could not exit.
    await store.close();
    throw error;
  }
}

/** A JobStore from its URL. */
async function createStore(url: string): Promise<JobStore> {
  switch (backendScheme(url)) {
    case "memory": {
      memoryUrlOptions(url);
      const { MemoryStore } = await import("./memory/index.js");
      return new MemoryStore();
    }
    case "redis": {
      const { RedisStore } = await import("./redis/index.js");
      return new RedisStore(redisUrlOptions(url));
    }
    case "postgres": {
      const { PostgresStore } = await import("./postgres/index.js");
      return new PostgresStore(postgresUrlOptions(url));
    }
    default:
      throw new ValidationError(
        "INVALID_URL",
        `no job store for ${JSON.stringify(redactUrl(url))}; use store=redis://, store=postgres:// or ` +
          `store=memory:// (one process only)`,
      );
  }
}
