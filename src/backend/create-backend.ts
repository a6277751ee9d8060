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
    case "amqp":
    case "amqps":
      return createAmqpBackend(target);
    default:
      throw new ValidationError(
        "INVALID_URL",
        `no backend for ${JSON.stringify(redactUrl(target))}; use memory:// ` +
          `(redis://, postgres:// and amqp:// arrive with their backends)`,
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
    default:
      throw new ValidationError(
        "INVALID_URL",
        `no job store for ${JSON.stringify(redactUrl(url))}; use store=memory://`,
      );
  }
}
