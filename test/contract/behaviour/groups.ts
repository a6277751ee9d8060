// Fairness groups: one tenant's burst does not starve the others. Ready jobs are served round-robin across
// groups (where the backend picks the next job), and a worker's groupLimits cap each group across workers.
import { expect, it } from "vitest";
import { Worker } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { expectWithinLimiter } from "../../helpers/harness.js";
import type { ContractContext } from "../contract-suite.js";

export function groupCases({ harness }: ContractContext): void {
  it("a burst from one group does not delay the others: groups are served round-robin", async (ctx) => {
    const backend = await harness.backend();
    if (!backend.capabilities.roundRobinGroups) {
      ctx.skip(); // The broker orders deliveries; group limits still hold (next case).
      return;
    }
    const queue = harness.queue<{ group: string }>(backend);
    const job = (group: string) => ({ name: "g", data: { group }, opts: { group: { id: group } } });
    await queue.addBulk([
      ...Array.from({ length: 30 }, () => job("big")),
      ...Array.from({ length: 3 }, () => job("small-1")),
      ...Array.from({ length: 3 }, () => job("small-2")),
    ]);
    const order: string[] = [];
    harness.worker<{ group: string }>(backend, queue.name, (j) => {
      order.push(j.data.group);
    });
    await waitFor(async () => (await queue.getJobCounts("completed")).completed === 36, {
      message: "all 36 jobs",
      timeout: 20_000,
    });
    // In FIFO order the small groups would wait behind all 30 big jobs; round-robin serves them in the first 9.
    const firstNine = order.slice(0, 9);
    expect(firstNine.filter((g) => g === "small-1")).toHaveLength(3);
    expect(firstNine.filter((g) => g === "small-2")).toHaveLength(3);
  });

  it("groupLimits.concurrency caps each group across workers, and every job still completes", async () => {
    const backend = await harness.backend();
    const queue = harness.queue<{ group: string }>(backend);
    const running = new Map<string, number>();
    const peak = new Map<string, number>();
    const processor = async (j: { data: { group: string } }): Promise<void> => {
      const group = j.data.group;
      running.set(group, (running.get(group) ?? 0) + 1);
      peak.set(group, Math.max(peak.get(group) ?? 0, running.get(group)!));
      await new Promise((resolve) => setTimeout(resolve, 20));
      running.set(group, running.get(group)! - 1);
    };
    const groupLimits = { concurrency: 2 };
    for (let i = 0; i < 2; i++)
      harness.worker(backend, queue.name, processor, { concurrency: 5, groupLimits });
    await queue.addBulk([
      ...Array.from({ length: 12 }, () => ({
        name: "g",
        data: { group: "a" },
        opts: { group: { id: "a" } },
      })),
      ...Array.from({ length: 6 }, () => ({ name: "g", data: { group: "b" }, opts: { group: { id: "b" } } })),
    ]);
    await waitFor(async () => (await queue.getJobCounts("completed")).completed === 18, {
      message: "all 18 jobs",
      timeout: 30_000,
    });
    expect(peak.get("a")).toBeLessThanOrEqual(2);
    expect(peak.get("b")).toBeLessThanOrEqual(2);
  });

  it("groupLimits.limiter holds per group while other groups run freely", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const limiter = { max: 2, duration: 200 };
    harness.worker(backend, queue.name, () => "ok", { concurrency: 4, groupLimits: { limiter } });
    await queue.addBulk([
      ...Array.from({ length: 6 }, () => ({ name: "limited", data: {}, opts: { group: { id: "slow" } } })),
      ...Array.from({ length: 6 }, () => ({ name: "free", data: {} })),
    ]);
    await waitFor(async () => (await queue.getJobCounts("completed")).completed === 12, {
      message: "all 12 jobs",
      timeout: 30_000,
    });
    const starts = (await queue.getJobs("completed", { limit: 100 }))
      .filter((job) => job.name === "limited")
      .map((job) => job.processedAt ?? 0);
    expectWithinLimiter(starts, limiter);
  });

  it("a malformed group or groupLimits is refused with INVALID_OPTION", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    await expect(queue.add("x", {}, { group: { id: "" } })).rejects.toMatchObject({ code: "INVALID_OPTION" });
    await expect(queue.add("x", {}, { group: "tenant" as never })).rejects.toMatchObject({
      code: "INVALID_OPTION",
    });
    expect(
      () =>
        new Worker(queue.name, () => undefined, { backend, autorun: false, groupLimits: { concurrency: 0 } }),
    ).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }) as Error);
    expect(await queue.getJobs()).toEqual([]);
  });
}
