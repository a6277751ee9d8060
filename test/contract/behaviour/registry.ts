// The worker registry: running workers are listed with who and where they are, closed ones are not, and a
// registration whose heartbeats stopped drops out on its own.
import { hostname } from "node:os";
import { expect, it } from "vitest";
import type { WorkerInfo } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { uniqueQueueName } from "../../helpers/harness.js";
import type { ContractContext } from "../contract-suite.js";

export function registryCases({ harness }: ContractContext): void {
  it("a running worker is listed with its queue, host, pid and concurrency; once closed it is not", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const worker = harness.worker(backend, queue.name, () => "done", { concurrency: 3, name: "mailer" });
    const mine = async (): Promise<WorkerInfo | undefined> =>
      (await backend.listWorkers()).find((info) => info.queues.includes(queue.name));
    const info = await waitFor(mine, { message: "the worker to register" });
    expect(info).toMatchObject({
      name: "mailer",
      queues: [queue.name],
      host: hostname(),
      pid: process.pid,
      concurrency: 3,
      active: 0,
    });
    expect(info.lastHeartbeat).toBeGreaterThanOrEqual(info.startedAt);
    await worker.close();
    expect(await mine()).toBeUndefined();
  });

  it("a registration whose heartbeats stopped is dropped once its ttl passes", async () => {
    const backend = await harness.backend();
    const id = uniqueQueueName("ghost");
    const now = backend.clock.now();
    const ghost: WorkerInfo = {
      id,
      name: "ghost",
      queues: ["nowhere"],
      host: "gone.example",
      pid: 1,
      concurrency: 1,
      active: 1,
      startedAt: now,
      lastHeartbeat: now,
    };
    await backend.heartbeatWorker(ghost, 60_000);
    expect((await backend.listWorkers()).map((info) => info.id)).toContain(id);
    await backend.heartbeatWorker(ghost, 1);
    await waitFor(async () => !(await backend.listWorkers()).some((info) => info.id === id), {
      message: "the stale registration to drop out",
    });
    await backend.deregisterWorker(id);
  });
}
