// A Redis Cluster none of whose seed nodes answers fails the first call with the typed reason, naming the
// nodes and never the password (ioredis says only "Failed to refresh slots cache").
import { describe, expect, it } from "vitest";
import { BackendUnavailableError, Queue, RedisBackend } from "../../../src/index.js";
import {
  closedPort,
  expectConnectionError,
  failureWithin,
  SECRET,
  settleRejections,
  trackUnhandled,
} from "../../helpers/connection-failures.js";

const unhandled = trackUnhandled();

describe("a Redis Cluster that is not there", () => {
  it("fails add with BACKEND_UNAVAILABLE naming its nodes", async () => {
    const nodes = [`127.0.0.1:${await closedPort()}`, `127.0.0.1:${await closedPort()}`];
    const backend = new RedisBackend({ cluster: { nodes, password: SECRET }, onError: () => {} });
    try {
      const error = await failureWithin(
        new Queue("q", { backend }).add("n", {}),
        8_000,
        "add on an unreachable cluster",
      );
      expectConnectionError(error, {
        type: BackendUnavailableError,
        code: "BACKEND_UNAVAILABLE",
        host: nodes[0]!,
      });
      expect((error as Error).message).toContain(nodes[1]);
    } finally {
      await backend.close();
    }
    await settleRejections();
    expect(unhandled.reasons).toEqual([]);
  });
});
