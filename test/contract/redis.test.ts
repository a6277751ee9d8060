import { randomBytes } from "node:crypto";
import { describe } from "vitest";
import { RedisBackend } from "../../src/backend/redis/index.js";
import { requireService, SERVICE_URLS } from "../helpers/services.js";
import { defineContractSuite } from "./contract-suite.js";

const reachable = await requireService("redis");

describe.runIf(reachable)("redis", () => {
  defineContractSuite({
    name: "redis",
    // A fresh prefix per backend keeps tests apart on the shared server; queues are obliterated after each test.
    create: () =>
      new RedisBackend({
        url: SERVICE_URLS.redis,
        prefix: `wt-${randomBytes(4).toString("hex")}`,
        onError: () => {},
      }),
  });
});
