// Lifecycles: whatever the close order, a handle on a closed backend fails with ClosedError and its loops stop.
import { expect, it } from "vitest";
import {
  ClosedError,
  EventBus,
  FlowProducer,
  QueueEvents,
  Worker,
  type Backend,
} from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { uniqueQueueName } from "../../helpers/harness.js";
import type { ContractContext } from "../contract-suite.js";

/** A worker whose `error` events are recorded, and a promise of its `closed` event. */
function watchedWorker(
  backend: Backend,
  queue: string,
): { worker: Worker; errors: Error[]; closed: Promise<void> } {
  const worker = new Worker<unknown, unknown>(queue, () => "done", { backend });
  const errors: Error[] = [];
  worker.on("error", (error) => errors.push(error));
  const closed = new Promise<void>((resolve) => worker.once("closed", resolve));
  return { worker, errors, closed };
}

export function lifecycleCases({ harness }: ContractContext): void {
  it("a worker whose backend is closed under it reports one ClosedError and closes itself", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const { worker, errors, closed } = watchedWorker(backend, queue.name);
    await (await queue.add("first", {})).waitUntilFinished({ timeout: 10_000 });
    await backend.close();
    await closed;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ClosedError);
    expect(errors[0]).toMatchObject({ code: "CLOSED" });
    expect(worker.isRunning()).toBe(false);
    // The wrong order still ends: close() after the backend resolves at once.
    await worker.close();
  });

  it("a Worker created on a closed backend closes itself with a ClosedError", async () => {
    const backend = await harness.backend();
    await backend.close();
    const { worker, errors, closed } = watchedWorker(backend, uniqueQueueName());
    await closed;
    expect(errors.map((error) => (error as ClosedError).code)).toEqual(["CLOSED"]);
    await worker.close();
  });

  it("every call on a closed backend fails with ClosedError", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const job = await queue.add("kept", {});
    await backend.close();
    const calls: Array<[string, () => Promise<unknown>]> = [
      ["add", () => queue.add("late", {})],
      ["addBulk", () => queue.addBulk([{ name: "late", data: {} }])],
      ["getJob", () => queue.getJob(job.id)],
      ["getJobs", () => queue.getJobs("waiting")],
      ["getJobCounts", () => queue.getJobCounts()],
      ["pause", () => queue.pause()],
      ["isPaused", () => queue.isPaused()],
      ["schedule", () => queue.schedule("s", { every: 1000 }, { name: "tick" })],
      ["getSchedules", () => queue.getSchedules()],
      ["remove", () => queue.remove(job.id)],
      ["job.updateProgress", () => job.updateProgress(1)],
      ["flow.add", () => new FlowProducer({ backend }).add({ name: "p", queueName: queue.name })],
      ["events.waitUntilReady", () => quietEvents(backend, queue.name).waitUntilReady()],
      ["bus.publish", () => new EventBus({ backend }).publish("a.b", {})],
      ["bus.subscribe", () => new EventBus({ backend }).subscribe("a.*", () => undefined)],
      ["lock", () => backend.lock("k", { ttl: 1000 })],
      ["listQueues", () => backend.listQueues()],
      ["listWorkers", () => backend.listWorkers()],
      ["ping", () => backend.ping()],
    ];
    for (const [name, call] of calls) {
      await expect(call(), name).rejects.toMatchObject({ code: "CLOSED" });
    }
  });

  it("closing a worker right after its job finishes ends its fetch at once, not at its block time", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    for (let round = 0; round < 5; round++) {
      const worker = new Worker(queue.name, () => "done", {
        backend,
        blockMs: 60_000,
        maintenanceInterval: 60_000,
      });
      worker.on("error", () => undefined);
      await (await queue.add("once", {})).waitUntilFinished({ timeout: 10_000 });
      // The loop is fetching again, mid-claim or parked: close must abort either at once. The bound only
      // separates "at once" from a block time (60 s) or a safety poll (5 s); it is no speed assertion.
      const closed = worker.close().then(() => "closed");
      const late = new Promise((resolve) => setTimeout(resolve, 3_000, "still closing"));
      expect(await Promise.race([closed, late])).toBe("closed");
    }
  });

  it("closing the backend while a worker waits for work ends the wait at once", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const { worker, closed } = watchedWorker(backend, queue.name);
    // The worker is parked in a fetch (no jobs): the close must end that wait, not its block time.
    await waitFor(() => worker.lastFetchAt !== undefined || worker.isRunning(), {
      message: "worker running",
    });
    await backend.close();
    await closed;
    await worker.close();
  });
}

function quietEvents(backend: Backend, queue: string): QueueEvents {
  const events = new QueueEvents(queue, { backend });
  events.on("error", () => undefined);
  return events;
}
