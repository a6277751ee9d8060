// URL → backend. Server drivers are imported lazily here, so `memory://` users load none of them. URL
// parameters are read (and unknown ones refused) in url-options.ts.
import { redactUrl } from "../core/redact-url.js";
import { ValidationError } from "../errors/warren-error.js";
import type { Logger } from "../logging/logger.js";
import { resolveLogger } from "../logging/logger-option.js";
import { defaultLogger } from "../logging/default-logger.js";
import type { Backend } from "./contract.js";
import type { JobStore } from "./job-store.js";
import {
  amqpUrlOptions,
  backendScheme,
  memoryUrlOptions,
  postgresUrlOptions,
  redisUrlOptions,
} from "./url-options.js";

/** Options of {@link createBackend} that a URL cannot carry. */
export interface CreateBackendOptions {
  /** Where the backend and every handle on it log (any pino-compatible logger). @defaultValue pino to stderr */
  logger?: Logger;
}

/** The URL used when none is given and WARREN_URL is unset. */
export const DEFAULT_BACKEND_URL = "memory://";

/**
 * Creates a backend from a URL: `memory://` (default), `redis://host:6379/0?prefix=…`, a Redis Cluster as
 * `redis+cluster://host:7000,host:7001/?prefix=…`, `postgres://user@host:5432/db?schema=…`, or `amqp://user:pass@host:5672/?store=<redis:// or postgres:// url>`.
 * Defaults to `process.env.WARREN_URL`, else `memory://`. Every server URL also takes `connectTimeout` (ms).
 * An unknown URL parameter, or an `amqp://` URL without `store`, is refused with ValidationError INVALID_URL.
 * @example const backend = await createBackend(process.env.WARREN_URL, { logger: pino() });
 */
export async function createBackend(url?: string, options: CreateBackendOptions = {}): Promise<Backend> {
  const target = url ?? process.env["WARREN_URL"] ?? DEFAULT_BACKEND_URL;
  const logger = resolveLogger(options.logger, defaultLogger(), "createBackend");
  if (backendScheme(target) === "amqp") return createAmqpBackend(target, logger);
  return (await openEngine(target, "backend", logger)).backend();
}

/** `amqp://…?store=<store url>`: the store is required (see amqpUrlOptions). */
async function createAmqpBackend(target: string, logger: Logger): Promise<Backend> {
  const { storeUrl, ...options } = amqpUrlOptions(target);
  const store = (await openEngine(storeUrl, "store", logger)).store();
  const { AmqpBackend } = await import("./amqp/index.js");
  try {
    return new AmqpBackend({ ...options, store, logger });
  } catch (error) {
    // The store already opened its connections: close them, or the process could not exit.
    await store.close();
    throw error;
  }
}

/** One engine, loaded from its URL's scheme: its store alone, or its store with its own delivery. */
interface Engine {
  store(): JobStore;
  backend(): Backend;
}

/** The one switch over URL schemes: the engine's driver is imported only here, only when named. */
async function openEngine(url: string, role: "backend" | "store", logger: Logger): Promise<Engine> {
  switch (backendScheme(url)) {
    case "memory": {
      memoryUrlOptions(url);
      const { MemoryBackend, MemoryStore } = await import("./memory/index.js");
      return { store: () => new MemoryStore({ logger }), backend: () => new MemoryBackend({ logger }) };
    }
    case "redis": {
      const options = { ...redisUrlOptions(url), logger };
      const { RedisBackend, RedisStore } = await import("./redis/index.js");
      return { store: () => new RedisStore(options), backend: () => new RedisBackend(options) };
    }
    case "postgres": {
      const options = { ...postgresUrlOptions(url), logger };
      const { PostgresBackend, PostgresStore } = await import("./postgres/index.js");
      return { store: () => new PostgresStore(options), backend: () => new PostgresBackend(options) };
    }
    default:
      throw role === "store"
        ? new ValidationError(
            "INVALID_URL",
            `no job store for ${JSON.stringify(redactUrl(url))}; use store=redis://, store=postgres:// or ` +
              `store=memory:// (one process only)`,
          )
        : new ValidationError(
            "INVALID_URL",
            `no backend for ${JSON.stringify(redactUrl(url))}; use memory://, ` +
              `redis://, postgres://, or amqp://…?store=…`,
            { details: { scheme: /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1] ?? "" } },
          );
  }
}
