// PostgresStore: the PostgreSQL backend as a JobStore for a transport (the RabbitMQ backend), outbox on.
import { PostgresBackend, type PostgresBackendOptions } from "./postgres-backend.js";

/**
 * Job state in PostgreSQL, delivered by a transport such as RabbitMQ.
 * @example new AmqpBackend({ url, store: new PostgresStore({ url: "postgres://postgres@127.0.0.1/app" }) })
 */
export class PostgresStore extends PostgresBackend {
  constructor(options: Omit<PostgresBackendOptions, "outbox"> = {}) {
    super({ ...options, outbox: true });
  }
}
