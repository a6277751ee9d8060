// The RabbitMQ backend's public names.
export { AmqpBackend, type AmqpBackendOptions } from "./amqp-backend.js";
export { ENVELOPE_VERSION, parseEnvelope, encodeEnvelope, type JobEnvelope } from "./envelope.js";
export { topologyNames, type TopologyNames, type AmqpQueueType } from "./topology.js";
