// MemoryStore: the memory backend as a JobStore for a transport (the RabbitMQ backend), outbox on.
import type { Clock } from "../../core/clock.js";
import { MemoryBackend } from "./memory-backend.js";

/**
 * Job state in this process's memory, delivered by a transport such as RabbitMQ.
 * @example new AmqpBackend({ url, store: new MemoryStore() })
 */
export class MemoryStore extends MemoryBackend {
  constructor(options: { clock?: Clock } = {}) {
    super({ ...options, outbox: true });
  }
}
