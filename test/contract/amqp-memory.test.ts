import { describe } from "vitest";
import { AmqpBackend } from "../../src/backend/amqp/index.js";
import { MemoryStore } from "../../src/backend/memory/index.js";
import { requireService, SERVICE_URLS } from "../helpers/services.js";
import { defineContractSuite } from "./contract-suite.js";

const reachable = await requireService("rabbitmq");

describe.runIf(reachable)("amqp+memory", () => {
  defineContractSuite({
    name: "amqp+memory",
    create: () =>
      new AmqpBackend({
        url: SERVICE_URLS.rabbitmq,
        store: new MemoryStore(),
        exchange: "warren-test",
        onError: () => {},
      }),
  });
});
