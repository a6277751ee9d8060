// The RabbitMQ backend's public names.
export { AmqpBackend } from "./amqp-backend.js";
export type { AmqpBackendOptions } from "./amqp-options.js";
export { ENVELOPE_VERSION, parseEnvelope, encodeEnvelope, type JobEnvelope } from "./envelope.js";
export { topologyNames, type TopologyNames, type AmqpQueueType } from "./topology.js";
