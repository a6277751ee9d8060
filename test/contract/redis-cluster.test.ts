import { randomBytes } from "node:crypto";
import { describe } from "vitest";
import { RedisBackend } from "../../src/backend/redis/index.js";
import { redisClusterNodes, requireService } from "../helpers/services.js";
import { defineContractSuite } from "./contract-suite.js";

// The whole contract on a Redis Cluster (three masters on 127.0.0.1:7000-7002, started by .ci/run): every
// script must touch one slot, and reads that span queues (events, blocking fetches) must go per slot.
const reachable = await requireService("redis-cluster");

// One prefix for the file (see redis.test.ts): other runs on the same cluster never see its keys.
const prefix = `wc-${randomBytes(4).toString("hex")}`;

describe.runIf(reachable)("redis-cluster", () => {
  defineContractSuite({
    name: "redis-cluster",
    create: () => new RedisBackend({ cluster: { nodes: redisClusterNodes() }, prefix, onError: () => {} }),
  });
});
