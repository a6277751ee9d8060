// Which job runs first: priority, FIFO within a priority, and delays.
import { expect, it } from "vitest";
import { waitFor } from "../../../src/testing/index.js";
import type { ContractContext } from "../contract-suite.js";

export function orderingCases({ harness }: ContractContext): void {
  it("runs lower priority numbers first and keeps FIFO within a priority", async () => {
    const backend = await harness.backend();
    const queue = harness.queue<{ label: string }>(backend);
    await queue.addBulk([
      { name: "j", data: { label: "p5-a" }, opts: { priority: 5 } },
      { name: "j", data: { label: "p9-a" }, opts: { priority: 9 } },
      { name: "j", data: { label: "p1-a" }, opts: { priority: 1 } },
      { name: "j", data: { label: "p5-b" }, opts: { priority: 5 } },
      { name: "j", data: { label: "p1-b" }, opts: { priority: 1 } },
      { name: "j", data: { label: "p5-c" } },
    ]);
    const order: string[] = [];
    harness.worker<{ label: string }>(backend, queue.name, (job) => {
      order.push(job.data.label);
    });
    await waitFor(() => order.length === 6, { message: "all six jobs ran" });
    expect(order).toEqual(["p1-a", "p1-b", "p5-a", "p5-b", "p5-c", "p9-a"]);
  });

  it("a delayed job waits in delayed and then runs", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    // The delay outlasts an add on a loaded machine (a first add also waits for the connection): 150 ms did not.
    const job = await queue.add("later", {}, { delay: 1_000 });
    expect(await job.getState()).toBe("delayed");
    expect(job.runAt).toBeGreaterThanOrEqual(job.createdAt + 1_000);
    harness.worker(backend, queue.name, () => "ran");
    expect(await job.waitUntilFinished({ timeout: 10_000 })).toBe("ran");
    await job.refresh();
    expect(job.processedAt).toBeGreaterThanOrEqual(job.runAt);
  });

  it("runAt in the future delays the job; runAt in the past runs it now", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const future = await queue.add("f", {}, { runAt: new Date(Date.now() + 1_000) });
    const past = await queue.add("p", {}, { runAt: Date.now() - 60_000 });
    expect(await future.getState()).toBe("delayed");
    expect(await past.getState()).toBe("waiting");
    harness.worker(backend, queue.name, () => "ok");
    await future.waitUntilFinished({ timeout: 10_000 });
  });

  it("a job that depends on another waits in waiting-children until it completes", async () => {
    const backend = await harness.backend();
    const queue = harness.queue<{ step: string }, string>(backend);
    const first = await queue.add("step", { step: "fetch" }, { delay: 100 });
    const second = await queue.add("step", { step: "render" }, { dependsOn: [first.id] });
    expect(await second.getState()).toBe("waiting-children");
    const order: string[] = [];
    harness.worker<{ step: string }, string>(backend, queue.name, (job) => {
      order.push(job.data.step);
      return job.data.step;
    });
    expect(await second.waitUntilFinished({ timeout: 10_000 })).toBe("render");
    expect(order).toEqual(["fetch", "render"]);
    expect(await second.getChildrenValues()).toEqual({ [`${queue.name}:${first.id}`]: "fetch" });
  });

  it("a dependency that already completed counts as met", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    harness.worker(backend, queue.name, () => "done");
    const first = await queue.add("a", {});
    await first.waitUntilFinished({ timeout: 10_000 });
    const second = await queue.add("b", {}, { dependsOn: first.id });
    expect(await second.waitUntilFinished({ timeout: 10_000 })).toBe("done");
  });

  it("a job whose dependency fails for good fails too, naming the dependency", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const first = await queue.add("a", {}, { delay: 50 });
    const second = await queue.add("b", {}, { dependsOn: first.id });
    harness.worker(backend, queue.name, () => {
      throw new Error("upstream broke");
    });
    await expect(second.waitUntilFinished({ timeout: 10_000 })).rejects.toMatchObject({
      state: "failed",
      failedReason: expect.stringContaining(first.id) as string,
    });
  });
}
