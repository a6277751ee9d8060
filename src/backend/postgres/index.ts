// The PostgreSQL backend's public names.
export { PostgresBackend, type PostgresBackendOptions } from "./postgres-backend.js";
export { PostgresStore, type PostgresStoreOptions } from "./postgres-store.js";
