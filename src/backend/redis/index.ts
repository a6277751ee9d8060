// The Redis backend's public names.
export { RedisBackend, type RedisBackendOptions } from "./redis-backend.js";
export { DEFAULT_REDIS_OPTIONS, type RedisClusterOptions, type RedisStoreOptions } from "./redis-options.js";
export { RedisStore } from "./redis-store.js";
