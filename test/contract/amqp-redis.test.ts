import { randomBytes } from "node:crypto";
import { describe } from "vitest";
import { AmqpBackend } from "../../src/backend/amqp/index.js";
import { RedisStore } from "../../src/backend/redis/index.js";
import { requireService, SERVICE_URLS } from "../helpers/services.js";
import { defineContractSuite } from "./contract-suite.js";

const reachable = (await requireService("rabbitmq")) && (await requireService("redis"));

// One store prefix for the file: backend objects of a test share state as processes would (see redis.test.ts).
const prefix = `wt-${randomBytes(4).toString("hex")}`;

describe.runIf(reachable)("amqp+redis", () => {
  defineContractSuite({
    name: "amqp+redis",
    create: () =>
      new AmqpBackend({
        url: SERVICE_URLS.rabbitmq,
        store: new RedisStore({ url: SERVICE_URLS.redis, prefix, onError: () => {} }),
        exchange: "warren-test",
        onError: () => {},
      }),
  });
});
