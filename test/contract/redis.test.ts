import { randomBytes } from "node:crypto";
import { describe } from "vitest";
import { RedisBackend } from "../../src/backend/redis/index.js";
import { requireService, SERVICE_URLS } from "../helpers/services.js";
import { defineContractSuite } from "./contract-suite.js";

const reachable = await requireService("redis");

// One prefix for the file: backend objects of a test share state as processes would (unique queue names keep
// tests apart; queues are obliterated after each test), and no other run on the server sees it.
const prefix = `wt-${randomBytes(4).toString("hex")}`;

describe.runIf(reachable)("redis", () => {
  defineContractSuite({
    name: "redis",
    create: () => new RedisBackend({ url: SERVICE_URLS.redis, prefix, onError: () => {} }),
  });
});
