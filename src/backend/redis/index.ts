// The Redis backend's public names.
export { RedisBackend, type RedisBackendOptions } from "./redis-backend.js";
export { RedisStore } from "./redis-store.js";
