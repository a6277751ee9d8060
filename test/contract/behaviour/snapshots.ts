// What metrics and dashboards read: queue snapshots in one batched call, and the times events carry so waits
// and runs can be measured from the event stream alone.
import { expect, it } from "vitest";
import { JOB_STATES } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import type { ContractContext } from "../contract-suite.js";

export function snapshotCases({ harness }: ContractContext): void {
  it("snapshotQueues reads counts, pause flag and longest wait of several queues in one call", async () => {
    const backend = await harness.backend();
    const busy = harness.queue(backend);
    const paused = harness.queue(backend);
    // The low-priority job waits first: the longest wait is its, though the high-priority one runs first.
    const first = await busy.add("low", {}, { priority: 10 });
    await busy.add("high", {}, { priority: 1 });
    await busy.add("later", {}, { delay: 60_000 });
    await busy.cancel((await busy.add("gone", {})).id);
    await paused.pause();
    const unknown = `never-used-${Date.now()}`;

    const snapshots = await backend.snapshotQueues([busy.name, paused.name, unknown]);

    expect(snapshots.map((s) => s.queue)).toEqual([busy.name, paused.name, unknown]);
    expect(snapshots[0]!.counts).toEqual(await busy.getJobCounts());
    expect(snapshots[0]!.counts).toMatchObject({ waiting: 2, delayed: 1, cancelled: 1 });
    expect(snapshots[0]!.paused).toBe(false);
    const record = await backend.getJob(busy.name, first.id);
    expect(record?.readyAt).toBeDefined();
    expect(snapshots[0]!.oldestWaitingSince).toBe(record!.readyAt);
    expect(snapshots[1]).toMatchObject({ paused: true, oldestWaitingSince: undefined });
    expect(snapshots[2]).toEqual({
      queue: unknown,
      counts: Object.fromEntries(JOB_STATES.map((state) => [state, 0])),
      paused: false,
      oldestWaitingSince: undefined,
    });
    expect(await backend.snapshotQueues([])).toEqual([]);
  });

  it("active carries when the job became ready; the end of each try carries when it started", async () => {
    const backend = await harness.backend();
    const queue = harness.queue<{ fail: boolean }>(backend);
    const recorded = await harness.events(backend, queue.name);
    const ok = await queue.add("ok", { fail: false });
    const bad = await queue.add("bad", { fail: true }, { attempts: 2, backoff: 1_000 });
    harness.worker<{ fail: boolean }>(backend, queue.name, (job) => {
      if (job.data.fail) throw new Error("bad");
      return "done";
    });
    await waitFor(() => recorded.of(bad.id).includes("failed") && recorded.of(ok.id).includes("completed"), {
      message: "both jobs to finish",
    });
    const ofJob = (id: string, event: string) =>
      recorded.log.filter((e) => e.jobId === id && e.event === event);
    for (const active of [...ofJob(ok.id, "active"), ...ofJob(bad.id, "active")]) {
      expect(active.readyAt).toBeTypeOf("number");
      expect(active.readyAt!).toBeLessThanOrEqual(active.timestamp);
    }
    const [completed] = ofJob(ok.id, "completed");
    expect(completed?.processedAt).toBe((await backend.getJob(queue.name, ok.id))?.processedAt);
    const [firstActive, secondActive] = ofJob(bad.id, "active");
    expect(ofJob(bad.id, "retrying")[0]?.processedAt).toBe(firstActive!.timestamp);
    expect(ofJob(bad.id, "failed")[0]?.processedAt).toBe(secondActive!.timestamp);
  });
}
