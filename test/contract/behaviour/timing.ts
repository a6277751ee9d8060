// Time is exact and owes nothing to the maintenance tick or a fetch's block time: every worker here has both
// raised to 60 s, and the producer uses another backend object than the worker (another connection on a
// server backend), so the worker must be woken by the backend's own wake-ups. Each case would take a minute
// if it rode on either knob; a deadline of a few seconds tells. Nothing may start before it is due.
import { expect, it } from "vitest";
import type { Backend, Job } from "../../../src/index.js";
import { FlowProducer } from "../../../src/index.js";
import { deferred, uniqueQueueName } from "../../helpers/harness.js";
import type { ContractContext } from "../contract-suite.js";

/** Far past every deadline below: a behaviour that waited for either knob would time out. */
const RAISED = { maintenanceInterval: 60_000, blockMs: 60_000 } as const;
const DEADLINE_MS = 10_000;

export function timingCases({ harness }: ContractContext): void {
  /** The producer's backend: another object (connection) where jobs cross processes, else the same one. */
  async function producerFor(backend: Backend): Promise<Backend> {
    return backend.capabilities.crossProcess ? harness.backend() : backend;
  }

  /** A warm, idle worker on `queue` (its first fetch is parked before the test adds anything). */
  async function idleWorker<R>(
    backend: Backend,
    queue: string,
    processor: (job: Job) => R | Promise<R>,
  ): Promise<void> {
    const warmed = deferred();
    harness.worker(
      backend,
      queue,
      (job) => (job.name === "warm-up" ? warmed.resolve() : processor(job)),
      RAISED,
    );
    const producer = await producerFor(backend);
    await harness.queue(producer, queue).add("warm-up", {});
    await warmed.promise;
  }

  it("a delayed job added from another process starts when due, not at a tick or a block timeout", async () => {
    const backend = await harness.backend();
    const producer = await producerFor(backend);
    const queue = harness.queue(producer);
    await idleWorker(backend, queue.name, () => "ran");
    const job = await queue.add("later", {}, { delay: 400 });
    expect(await job.waitUntilFinished({ timeout: DEADLINE_MS })).toBe("ran");
    await job.refresh();
    expect(job.processedAt).toBeGreaterThanOrEqual(job.createdAt + 400);
  });

  it("a retry with backoff starts when its backoff ends, not at a tick or a block timeout", async () => {
    const backend = await harness.backend();
    const producer = await producerFor(backend);
    const queue = harness.queue(producer);
    const starts: number[] = [];
    await idleWorker(backend, queue.name, (job) => {
      starts.push(Date.now());
      if (job.attemptsMade < 2) throw new Error("first try fails");
      return "second try";
    });
    const job = await queue.add("flaky", {}, { attempts: 2, backoff: { type: "fixed", delay: 300 } });
    expect(await job.waitUntilFinished({ timeout: DEADLINE_MS })).toBe("second try");
    expect(starts).toHaveLength(2);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(300);
  });

  it("a flow parent in another queue starts once its last child completes, not at a tick", async () => {
    const backend = await harness.backend();
    const producer = await producerFor(backend);
    const children = harness.queue(producer).name;
    const parents = harness.queue(producer).name;
    await idleWorker(backend, children, () => "child");
    await idleWorker(backend, parents, async (job) => Object.values(await job.getChildrenValues()));
    const node = await new FlowProducer({ backend: producer }).add({
      name: "parent",
      queueName: parents,
      children: [
        { name: "a", queueName: children },
        { name: "b", queueName: children },
      ],
    });
    expect(await node.job.waitUntilFinished({ timeout: DEADLINE_MS })).toEqual(["child", "child"]);
  });

  it("a dependsOn job starts once its dependency completes, not at a tick", async () => {
    const backend = await harness.backend();
    const producer = await producerFor(backend);
    const queue = harness.queue(producer);
    await idleWorker(backend, queue.name, (job) => job.name);
    const first = await queue.add("first", {});
    const second = await queue.add("second", {}, { dependsOn: [first.id] });
    expect(await second.waitUntilFinished({ timeout: DEADLINE_MS })).toBe("second");
  });

  it("schedule slots run on time with raised knobs: every: 300 runs each slot once, none early", async () => {
    const backend = await harness.backend();
    const producer = await producerFor(backend);
    const queue = harness.queue(producer, uniqueQueueName("slots"));
    const started: Job[] = [];
    await idleWorker(backend, queue.name, (job) => {
      started.push(job);
      return job.id;
    });
    await queue.schedule("beat", { every: 300 }, { name: "beat", limit: 4 });
    const done = async (): Promise<boolean> => (await queue.getJobCounts("completed")).completed === 5;
    const deadline = Date.now() + DEADLINE_MS;
    while (!(await done())) {
      expect(Date.now(), "four 300 ms slots to run").toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const slots = started.map((job) => Number(job.id.slice(job.id.lastIndexOf(":") + 1))).sort();
    expect(new Set(slots).size).toBe(4);
    for (let i = 1; i < slots.length; i++) expect(slots[i]! - slots[i - 1]!).toBe(300);
    for (const job of started)
      expect(job.processedAt).toBeGreaterThanOrEqual(Number(job.id.split(":").pop()));
  });
}
