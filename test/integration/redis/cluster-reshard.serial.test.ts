// A queue's slot moves to another master while a worker processes it and QueueEvents listens: every job still
// completes, and every completion is heard (the blocked fetch and the event reader on the old master fail with
// MOVED or ASK, are dropped, and reconnect to the new one). A script caught mid-move can see part of the queue
// (keys already moved read as missing), so a job may run a second time after its lease, as after a crash: this
// test holds at-least-once, not exactly-once (1 of 4 runs ran a job twice). Serial: it moves a slot of the
// shared test cluster (and moves it back), which other files' queues could hash to.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { Queue, QueueEvents, RedisBackend, Worker } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { keySlot } from "../../../src/backend/redis/redis-client.js";
import { redisClusterNodes, requireService } from "../../helpers/services.js";

const reachable = await requireService("redis-cluster");
const JOBS = 60;

interface Master {
  id: string;
  host: string;
  port: number;
}

/** The masters, and which one serves `slot`. */
async function masters(slot: number): Promise<{ all: Master[]; owner: Master }> {
  const [host, port] = redisClusterNodes()[0]!.split(":");
  const probe = new Redis({ host, port: Number(port), lazyConnect: true });
  try {
    const lines = ((await probe.call("CLUSTER", "NODES")) as string).trim().split("\n");
    const all: Master[] = [];
    let owner: Master | undefined;
    for (const line of lines) {
      const [id, address, flags, , , , , , ...ranges] = line.split(" ");
      if (!flags!.includes("master")) continue;
      const [hostPort] = address!.split("@");
      const colon = hostPort!.lastIndexOf(":");
      const master = { id: id!, host: hostPort!.slice(0, colon), port: Number(hostPort!.slice(colon + 1)) };
      all.push(master);
      for (const range of ranges) {
        const [from, to = from] = range.split("-").map(Number);
        if (slot >= from! && slot <= to!) owner = master;
      }
    }
    return { all, owner: owner! };
  } finally {
    probe.disconnect();
  }
}

/** Moves `slot` from `from` to `to` the way redis-cli --cluster reshard does: IMPORTING, MIGRATING, MIGRATE, NODE. */
async function moveSlot(slot: number, from: Master, to: Master, all: Master[]): Promise<void> {
  const open = (m: Master): Redis => new Redis({ host: m.host, port: m.port });
  const source = open(from);
  const target = open(to);
  try {
    await target.call("CLUSTER", "SETSLOT", slot, "IMPORTING", from.id);
    await source.call("CLUSTER", "SETSLOT", slot, "MIGRATING", to.id);
    for (;;) {
      const keys = (await source.call("CLUSTER", "GETKEYSINSLOT", slot, 100)) as string[];
      if (keys.length === 0) break;
      await source.call("MIGRATE", to.host, to.port, "", 0, 10_000, "REPLACE", "KEYS", ...keys);
    }
    for (const master of [to, from, ...all.filter((m) => m.id !== to.id && m.id !== from.id)]) {
      const node = open(master);
      try {
        await node.call("CLUSTER", "SETSLOT", slot, "NODE", to.id);
      } finally {
        node.disconnect();
      }
    }
  } finally {
    source.disconnect();
    target.disconnect();
  }
}

describe.runIf(reachable)("a Redis Cluster slot that moves under a running queue", () => {
  it("every job completes and every completion is heard", async () => {
    const prefix = `wr-${randomBytes(4).toString("hex")}`;
    const cluster = { nodes: redisClusterNodes() };
    const backend = new RedisBackend({ cluster, prefix, onError: () => {} });
    const name = `moving-${randomBytes(3).toString("hex")}`;
    const slot = keySlot(`{${prefix}:${name}}:`);
    const { all, owner } = await masters(slot);
    const other = all.find((master) => master.id !== owner.id)!;
    const queue = new Queue<{ n: number }>(name, { backend });
    const events = new QueueEvents(name, { backend });
    const heard = new Set<string>();
    events.on("completed", ({ jobId }) => heard.add(String(jobId)));
    const runs = new Map<number, number>();
    const worker = new Worker<{ n: number }>(
      name,
      (job) => {
        runs.set(job.data.n, (runs.get(job.data.n) ?? 0) + 1);
      },
      { backend, concurrency: 4 },
    );
    // MOVED / ASK of the blocked fetch on the old master, while the slot moves: the worker retries.
    worker.on("error", () => undefined);
    let moved = false;
    try {
      await events.waitUntilReady();
      const first = await queue.addBulk(
        Array.from({ length: JOBS / 2 }, (_, n) => ({ name: "n", data: { n } })),
      );
      await waitFor(() => heard.size >= 5, { message: "the first completions", timeout: 20_000 });
      await moveSlot(slot, owner, other, all);
      moved = true;
      const second = await queue.addBulk(
        Array.from({ length: JOBS / 2 }, (_, i) => ({ name: "n", data: { n: JOBS / 2 + i } })),
      );
      const ids = [...first, ...second].map((job) => job.id);
      await waitFor(() => ids.every((id) => heard.has(id)), {
        message: `all ${JOBS} completions heard after the move`,
        timeout: 60_000,
      });
      expect(runs.size).toBe(JOBS);
      expect((await queue.getJobCounts()).completed).toBe(JOBS);
    } finally {
      await worker.close();
      await events.close();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await backend.close();
      if (moved) await moveSlot(slot, other, owner, all);
    }
  });
});
