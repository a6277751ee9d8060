// RedisStore: the Redis backend as a JobStore for a transport (the RabbitMQ backend), outbox on.
import { RedisBackend, type RedisBackendOptions } from "./redis-backend.js";

/**
 * Job state in Redis, delivered by a transport such as RabbitMQ.
 * @example new AmqpBackend({ url, store: new RedisStore({ url: "redis://127.0.0.1:6379/0" }) })
 */
export class RedisStore extends RedisBackend {
  constructor(options: Omit<RedisBackendOptions, "outbox"> = {}) {
    super({ ...options, outbox: true });
  }
}
