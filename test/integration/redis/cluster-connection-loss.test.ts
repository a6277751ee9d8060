// Every connection a backend holds on a Redis Cluster (the cluster's node connections, the blocking fetches'
// and the event readers' per-slot ones) killed, twice, while a worker runs and QueueEvents listens: every job
// completes and every completion is heard, because each kind of connection comes back on its own.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { Queue, QueueEvents, RedisBackend, Worker } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { redisClusterNodes, requireService } from "../../helpers/services.js";

const reachable = await requireService("redis-cluster");

/** Kills, on every node, the connections named `name`; returns how many. */
async function killConnections(name: string): Promise<number> {
  let killed = 0;
  for (const node of redisClusterNodes()) {
    const [host, port] = node.split(":");
    const admin = new Redis({ host, port: Number(port) });
    try {
      const list = (await admin.call("CLIENT", "LIST")) as string;
      for (const line of list.split("\n")) {
        const id = / name=(\S*) /.exec(line)?.[1] === name ? /^id=(\d+)/.exec(line)?.[1] : undefined;
        if (id !== undefined) killed += Number(await admin.call("CLIENT", "KILL", "ID", id));
      }
    } finally {
      admin.disconnect();
    }
  }
  return killed;
}

describe.runIf(reachable)("connection loss on a Redis Cluster", () => {
  it("jobs complete and events are heard after every connection was killed, twice", async () => {
    const prefix = `wl-${randomBytes(4).toString("hex")}`;
    const connectionName = `warren-loss-${prefix}`;
    const backend = new RedisBackend({
      cluster: { nodes: redisClusterNodes() },
      prefix,
      connectionName,
      onError: () => {},
    });
    const queue = new Queue(`loss-${randomBytes(3).toString("hex")}`, { backend });
    const events = new QueueEvents(queue.name, { backend });
    const heard = new Set<string>();
    events.on("completed", ({ jobId }) => heard.add(String(jobId)));
    const worker = new Worker(queue.name, () => undefined, { backend, concurrency: 4 });
    // The killed connections' failures, while they come back.
    worker.on("error", () => undefined);
    try {
      await events.waitUntilReady();
      const ids: string[] = [];
      for (let round = 0; round < 3; round++) {
        const jobs = await queue.addBulk(Array.from({ length: 20 }, (_, n) => ({ name: "n", data: { n } })));
        ids.push(...jobs.map((job) => job.id));
        await waitFor(() => ids.every((id) => heard.has(id)), {
          message: `every completion of round ${round} heard`,
          timeout: 40_000,
        });
        if (round < 2) expect(await killConnections(connectionName)).toBeGreaterThan(0);
      }
      expect((await queue.getJobCounts()).completed).toBe(ids.length);
    } finally {
      await worker.close();
      await events.close();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await backend.close();
    }
  });
});
