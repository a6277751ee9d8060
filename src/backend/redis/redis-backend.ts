// The self-contained Redis backend: the Redis store with its blocking delivery (BLPOP on per-queue markers
// instead of polling).
import { ComposedBackend } from "../composed-backend.js";
import { RedisDelivery } from "./redis-delivery.js";
import type { RedisStoreOptions } from "./redis-options.js";
import { RedisStore } from "./redis-store.js";

/** Options for {@link RedisBackend}. */
export type RedisBackendOptions = RedisStoreOptions;

/**
 * Jobs in Redis, shared by every process that uses the same server and prefix.
 * @example new RedisBackend({ url: "redis://127.0.0.1:6379/0" })
 */
export class RedisBackend extends ComposedBackend {
  constructor(options: RedisBackendOptions = {}) {
    const store = new RedisStore(options);
    super(store, new RedisDelivery(store));
  }
}
