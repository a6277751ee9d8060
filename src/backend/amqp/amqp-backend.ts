// The RabbitMQ backend: any JobStore (the truth) composed with the AMQP delivery (the channel and wake-up).
import { ComposedBackend } from "../composed-backend.js";
import { AmqpDelivery } from "./amqp-delivery.js";
import { splitAmqpBackendOptions, type AmqpBackendOptions } from "./amqp-options.js";
import type { TopologyNames } from "./topology.js";

/**
 * Jobs delivered over RabbitMQ, state kept in a JobStore. Options are checked at construction: an unknown or
 * ill-typed one is refused with ValidationError INVALID_OPTION, a url that is not `amqp://` with INVALID_URL.
 * @example new AmqpBackend({ url: "amqp://guest:guest@127.0.0.1:5672", store: new MemoryStore() })
 */
export class AmqpBackend extends ComposedBackend {
  readonly names: TopologyNames;
  private readonly amqp: AmqpDelivery;

  constructor(options: AmqpBackendOptions) {
    const { store, delivery: deliveryOptions } = splitAmqpBackendOptions(options);
    const delivery = new AmqpDelivery(store, deliveryOptions);
    super(store, delivery);
    this.amqp = delivery;
    this.names = delivery.names;
  }

  /** The broker's version, once connected (read from the connection's server properties). */
  get serverVersion(): string | undefined {
    return this.amqp.serverVersion;
  }
}
