// On a Redis Cluster a dependency and its dependant in two queues are two slots, settled in two steps: the
// ending records the dependant in its own queue's "xsettle" set, then the client settles it over there. This
// file kills the process between the two (it runs the ending script without the second step) and checks that
// the dependency is not lost: the queue's maintenance settles it.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { FlowProducer, RedisBackend, RedisStore } from "../../../src/index.js";
import { keySlot } from "../../../src/backend/redis/redis-client.js";
import { ScriptRunner } from "../../../src/backend/redis/script-runner.js";
import { redisClusterNodes, requireService } from "../../helpers/services.js";

const reachable = await requireService("redis-cluster");
const prefix = `wx-${randomBytes(4).toString("hex")}`;
const cluster = { nodes: redisClusterNodes() };

describe.runIf(reachable)("cross-queue dependencies on a Redis Cluster", () => {
  const backend = new RedisBackend({ cluster, prefix, onError: () => {} });
  const store = new RedisStore({ cluster, prefix, onError: () => {} });
  afterAll(async () => {
    await Promise.all([backend.close(), store.close()]);
  });

  it("a dependant whose settle step died with its process is settled by the dependency queue's maintenance", async () => {
    const parents = `parents-${randomBytes(3).toString("hex")}`;
    const children = `children-${randomBytes(3).toString("hex")}`;
    expect(keySlot(store.keys.base(parents))).not.toBe(keySlot(store.keys.base(children)));
    const flow = await new FlowProducer({ backend }).add({
      name: "parent",
      queueName: parents,
      children: [{ name: "child", queueName: children }],
    });
    const child = flow.children![0]!.job;
    const claim = await store.claimReady({
      queues: [children],
      workerId: "test",
      max: 1,
      lockMs: 30_000,
      maxStalledCount: 1,
      limiter: undefined,
    });
    expect(claim.jobs.map((job) => job.id)).toEqual([child.id]);
    const now = store.clock.now();
    // The ending alone, as a process that died right after it would leave it (no settle-cross, no removal).
    await new ScriptRunner(store.client).run(
      "finish-jobs",
      [store.keys.base(children)],
      [
        now,
        "0",
        JSON.stringify([
          { kind: "completed", id: child.id, token: claim.jobs[0]!.lockToken, finishedAt: now },
        ]),
      ],
    );
    expect((await store.getJob(children, child.id))?.state).toBe("completed");
    expect((await store.getJob(parents, flow.job.id))?.state).toBe("waiting-children");
    const pending = await store.client.zrange(`${store.keys.base(children)}xsettle`, "0", "-1");
    expect(pending).toEqual([`${parents}\n${flow.job.id}\n${children}:${child.id}\nmet`]);

    // A pass soon after leaves it to the process that may still be settling it; a later one settles it.
    await store.maintain(children, now);
    expect((await store.getJob(parents, flow.job.id))?.state).toBe("waiting-children");
    await store.maintain(children, now + 60_000);
    expect((await store.getJob(parents, flow.job.id))?.state).toBe("waiting");
    expect(await store.client.zcard(`${store.keys.base(children)}xsettle`)).toBe(0);
  });
});
