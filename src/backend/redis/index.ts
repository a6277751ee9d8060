// The Redis backend's public names.
export { RedisBackend, type RedisBackendOptions } from "./redis-backend.js";
export { RedisStore, type RedisStoreOptions } from "./redis-store.js";
