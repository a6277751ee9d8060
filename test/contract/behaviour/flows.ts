// Flows: a tree across queues stored all or none, parents waiting for children and reading their results,
// cycles refused, and the failure and removal policies that keep any parent from waiting forever.
import { expect, it } from "vitest";
import { FlowProducer, type Job } from "../../../src/index.js";
import { uniqueQueueName } from "../../helpers/harness.js";
import type { ContractContext } from "../contract-suite.js";

export function flowCases({ harness }: ContractContext): void {
  it("a tree across queues runs children first; each parent reads its children's results", async () => {
    const backend = await harness.backend();
    const top = harness.queue(backend);
    const parts = harness.queue(backend);
    const flow = new FlowProducer({ backend });
    const tree = await flow.add({
      name: "assemble",
      queueName: top.name,
      data: { what: "report" },
      children: [
        { name: "part", queueName: parts.name, data: { n: 1 } },
        {
          name: "section",
          queueName: top.name,
          data: { n: 2 },
          children: [{ name: "part", queueName: parts.name, data: { n: 3 } }],
        },
      ],
    });
    expect(await tree.job.getState()).toBe("waiting-children");
    expect(await tree.children![1]!.job.getState()).toBe("waiting-children");
    expect(tree.children![1]!.children![0]!.job.data).toEqual({ n: 3 });

    const order: string[] = [];
    const run = async (job: Job): Promise<unknown> => {
      order.push(`${job.name}:${JSON.stringify(job.data)}`);
      if (job.name === "part") return (job.data as { n: number }).n * 10;
      return Object.values(await job.getChildrenValues());
    };
    harness.worker(backend, top.name, run);
    harness.worker(backend, parts.name, run);

    expect(await tree.job.waitUntilFinished({ timeout: 15_000 })).toEqual(expect.arrayContaining([10, [30]]));
    const section = tree.children![1]!.job;
    expect(await section.getChildrenValues()).toEqual({
      [`${parts.name}:${tree.children![1]!.children![0]!.job.id}`]: 30,
    });
    expect(order.at(-1)).toBe('assemble:{"what":"report"}');
    expect(order.indexOf('section:{"n":2}')).toBeGreaterThan(order.indexOf('part:{"n":3}'));
  });

  it("every flow child names its parent, read back from the store, across queues", async () => {
    const backend = await harness.backend();
    const top = harness.queue(backend);
    const parts = harness.queue(backend);
    const tree = await new FlowProducer({ backend }).add({
      name: "assemble",
      queueName: top.name,
      data: {},
      children: [
        { name: "part", queueName: parts.name, data: {} },
        {
          name: "section",
          queueName: top.name,
          data: {},
          children: [{ name: "part", queueName: parts.name }],
        },
      ],
    });
    const stored = async (job: Job) => (await backend.getJob(job.queueName, job.id))?.parent;
    expect(await stored(tree.job)).toBeUndefined();
    expect(await stored(tree.children![0]!.job)).toEqual({ queue: top.name, id: tree.job.id });
    const section = tree.children![1]!;
    expect(await stored(section.job)).toEqual({ queue: top.name, id: tree.job.id });
    expect(await stored(section.children![0]!.job)).toEqual({ queue: top.name, id: section.job.id });
  });

  it("a flow with one bad node stores nothing in any queue", async () => {
    const backend = await harness.backend();
    const top = harness.queue(backend);
    const parts = harness.queue(backend);
    const flow = new FlowProducer({ backend });
    await expect(
      flow.add({
        name: "parent",
        queueName: top.name,
        children: [
          { name: "ok", queueName: parts.name },
          { name: "bad", queueName: parts.name, opts: { priority: 0 } },
        ],
      }),
    ).rejects.toMatchObject({
      code: "INVALID_OPTION",
      message: expect.stringMatching(/children\[1\].*priority/) as unknown,
    });
    // Refused by the backend mid-batch (a dependency that does not exist): still nothing stored anywhere.
    await expect(
      flow.add({
        name: "parent",
        queueName: top.name,
        children: [
          { name: "ok", queueName: parts.name },
          { name: "orphan", queueName: parts.name, opts: { dependsOn: `${parts.name}:no-such-job` } },
        ],
      }),
    ).rejects.toMatchObject({ code: "INVALID_OPTION" });
    expect(await top.getJobs()).toEqual([]);
    expect(await parts.getJobs()).toEqual([]);
  });

  it("dependency cycles are refused before anything is stored", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    await expect(
      queue.addBulk([
        { name: "a", data: {}, opts: { jobId: "a", dependsOn: "c" } },
        { name: "b", data: {}, opts: { jobId: "b", dependsOn: "a" } },
        { name: "c", data: {}, opts: { jobId: "c", dependsOn: "b" } },
      ]),
    ).rejects.toMatchObject({ code: "INVALID_OPTION", message: expect.stringContaining("cycle") as unknown });
    await expect(queue.add("self", {}, { jobId: "self", dependsOn: "self" })).rejects.toMatchObject({
      code: "INVALID_OPTION",
    });
    const flow = new FlowProducer({ backend });
    await expect(
      flow.add({
        name: "p",
        queueName: queue.name,
        opts: { jobId: "p" },
        children: [{ name: "c", queueName: queue.name, opts: { jobId: "c2", dependsOn: "p" } }],
      }),
    ).rejects.toMatchObject({ code: "INVALID_OPTION", message: expect.stringContaining("cycle") as unknown });
    expect(await queue.getJobs()).toEqual([]);
  });

  it("a failed child fails its parent by default; with ignoreDependencyOnFailure the parent runs and sees why", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const flow = new FlowProducer({ backend });
    const strict = await flow.add({
      name: "parent",
      queueName: queue.name,
      children: [{ name: "boom", queueName: queue.name }],
    });
    const lenient = await flow.add({
      name: "parent",
      queueName: queue.name,
      children: [
        { name: "boom", queueName: queue.name, opts: { ignoreDependencyOnFailure: true } },
        { name: "fine", queueName: queue.name },
      ],
    });
    harness.worker(backend, queue.name, async (job) => {
      if (job.name === "boom") throw new Error("child broke");
      if (job.name === "fine") return "ok";
      return { values: await job.getChildrenValues(), failures: await job.getChildrenFailures() };
    });
    await expect(strict.job.waitUntilFinished({ timeout: 15_000 })).rejects.toMatchObject({
      state: "failed",
      failedReason: expect.stringContaining(strict.children![0]!.job.id) as unknown,
    });
    const boom = lenient.children![0]!.job;
    const fine = lenient.children![1]!.job;
    expect(await lenient.job.waitUntilFinished({ timeout: 15_000 })).toEqual({
      values: { [`${queue.name}:${fine.id}`]: "ok" },
      failures: { [`${queue.name}:${boom.id}`]: "child broke" },
    });
  });

  it("removing a child that a parent waits on releases the parent once its other children are done", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const other = harness.queue(backend, uniqueQueueName("kids"));
    const tree = await new FlowProducer({ backend }).add({
      name: "parent",
      queueName: queue.name,
      children: [
        { name: "a", queueName: other.name },
        { name: "b", queueName: other.name, opts: { delay: 60_000 } },
      ],
    });
    const [a, b] = tree.children!.map((node) => node.job);
    expect(await other.remove(a!.id)).toBe(true);
    expect(await tree.job.getState()).toBe("waiting-children");
    await other.drain({ delayed: true });
    expect(await other.getJob(b!.id)).toBeUndefined();
    expect(await tree.job.getState()).toBe("waiting");
  });
}
