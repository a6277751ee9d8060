import { randomBytes } from "node:crypto";
import { describe } from "vitest";
import { AmqpBackend } from "../../src/backend/amqp/index.js";
import { RedisStore } from "../../src/backend/redis/index.js";
import { redisClusterNodes, requireService, SERVICE_URLS } from "../helpers/services.js";
import { defineContractSuite } from "./contract-suite.js";

// RabbitMQ delivering, a Redis Cluster holding the jobs (the store's outbox mode on a cluster).
const reachable = (await requireService("rabbitmq")) && (await requireService("redis-cluster"));

// One store prefix for the file (see redis.test.ts).
const prefix = `wc-${randomBytes(4).toString("hex")}`;

describe.runIf(reachable)("amqp+redis-cluster", () => {
  defineContractSuite({
    name: "amqp+redis-cluster",
    create: () =>
      new AmqpBackend({
        url: SERVICE_URLS.rabbitmq,
        store: new RedisStore({ cluster: { nodes: redisClusterNodes() }, prefix, onError: () => {} }),
        exchange: "warren-test",
        onError: () => {},
      }),
  });
});
