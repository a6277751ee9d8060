// The RabbitMQ backend: any JobStore (the truth) composed with the AMQP delivery (the channel and wake-up).
import { ComposedBackend } from "../composed-backend.js";
import type { JobStore } from "../job-store.js";
import { AmqpDelivery, type AmqpDeliveryOptions } from "./amqp-delivery.js";
import type { TopologyNames } from "./topology.js";

/** Options for {@link AmqpBackend}. */
export interface AmqpBackendOptions extends AmqpDeliveryOptions {
  /** Where job state lives: MemoryStore, RedisStore or PostgresStore. */
  store: JobStore;
}

/**
 * Jobs delivered over RabbitMQ, state kept in a JobStore.
 * @example new AmqpBackend({ url: "amqp://guest:guest@127.0.0.1:5672", store: new MemoryStore() })
 */
export class AmqpBackend extends ComposedBackend {
  readonly names: TopologyNames;
  private readonly amqp: AmqpDelivery;

  constructor({ store, ...options }: AmqpBackendOptions) {
    const delivery = new AmqpDelivery(store, options);
    super(store, delivery);
    this.amqp = delivery;
    this.names = delivery.names;
  }

  /** The broker's version, once connected (read from the connection's server properties). */
  get serverVersion(): string | undefined {
    return this.amqp.serverVersion;
  }
}
