// The PostgreSQL backend's public names.
export { PostgresBackend, type PostgresBackendOptions } from "./postgres-backend.js";
export type { PostgresStoreOptions } from "./postgres-options.js";
export { PostgresStore } from "./postgres-store.js";
