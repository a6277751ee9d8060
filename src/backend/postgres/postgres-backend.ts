// The self-contained PostgreSQL backend: the PostgreSQL store with its LISTEN/NOTIFY delivery.
import { ComposedBackend } from "../composed-backend.js";
import { PostgresDelivery } from "./postgres-delivery.js";
import type { PostgresStoreOptions } from "./postgres-options.js";
import { PostgresStore } from "./postgres-store.js";

/** Options for {@link PostgresBackend}. */
export type PostgresBackendOptions = PostgresStoreOptions;

/**
 * Jobs in PostgreSQL, shared by every process that uses the same database and schema.
 * @example new PostgresBackend({ url: "postgres://postgres@127.0.0.1:5432/app" })
 */
export class PostgresBackend extends ComposedBackend {
  readonly schema: string;
  private readonly postgres: PostgresStore;

  constructor(options: PostgresBackendOptions = {}) {
    const store = new PostgresStore(options);
    super(store, new PostgresDelivery(store));
    this.postgres = store;
    this.schema = store.schema;
  }

  /** Creates or upgrades the schema (also done on first use). Returns the migration versions applied. */
  migrate(): Promise<number[]> {
    return this.postgres.migrate();
  }
}
