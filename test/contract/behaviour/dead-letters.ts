// Dead letters: jobs that failed for good or expired are listed with their reason, replayed with a fresh
// attempt budget (once, however many operators ask at the same time), and purged.
import { expect, it } from "vitest";
import type { Backend, Job, Queue } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import type { Harness } from "../../helpers/harness.js";
import type { ContractContext } from "../contract-suite.js";

/** A worker that fails every try while `failing.now` is true, and completes them once it is false. */
function switchableWorker(harness: Harness, backend: Backend, queue: string): { now: boolean } {
  const failing = { now: true };
  harness.worker(backend, queue, (job) => {
    if (failing.now) throw new Error(`declined ${job.name}`);
    return "done";
  });
  return failing;
}

async function failedForGood(jobs: Job[]): Promise<void> {
  for (const job of jobs) {
    await expect(job.waitUntilFinished({ timeout: 10_000 })).rejects.toMatchObject({ state: "failed" });
  }
}

async function deadLetterIds(queue: Queue): Promise<string[]> {
  return (await queue.getDeadLetters()).map((letter) => letter.id);
}

export function deadLetterCases({ harness }: ContractContext): void {
  it("a job that fails for good is a dead letter with its reason and attempts", async () => {
    const backend = await harness.backend();
    const queue = harness.queue<{ order: number }>(backend);
    switchableWorker(harness, backend, queue.name);
    const job = await queue.add("charge", { order: 7 }, { attempts: 2 });
    await failedForGood([job]);
    expect(await queue.getDeadLetters()).toEqual([
      {
        id: job.id,
        jobId: job.id,
        name: "charge",
        data: { order: 7 },
        reason: "declined charge",
        deadLetteredAt: expect.any(Number) as number,
        attemptsMade: 2,
        source: "store",
      },
    ]);
  });

  it("a job whose ttl ran out before it started is a dead letter too", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    await queue.pause();
    const job = await queue.add("stale", {}, { ttl: 30 });
    await waitFor(() => backend.clock.now() > job.createdAt + 40, { message: "ttl to pass" });
    harness.worker(backend, queue.name, () => "ran");
    await queue.resume();
    await expect(job.waitUntilFinished({ timeout: 10_000 })).rejects.toMatchObject({ state: "expired" });
    const [letter, ...rest] = await queue.getDeadLetters();
    expect(rest).toEqual([]);
    expect(letter).toMatchObject({ id: job.id, jobId: job.id, source: "store", name: "stale" });
    expect(letter?.reason).toMatch(/ttl/);
  });

  it("a replayed dead letter gets a fresh attempt budget, emits waiting, and completes with a worker", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const recorded = await harness.events(backend, queue.name);
    const failing = switchableWorker(harness, backend, queue.name);
    const job = await queue.add("charge", {}, { attempts: 2 });
    await failedForGood([job]);
    failing.now = false;
    expect(await queue.replayDeadLetters({ ids: [job.id] })).toEqual({ replayed: 1 });
    expect(await job.waitUntilFinished({ timeout: 10_000 })).toBe("done");
    await job.refresh();
    expect(job).toMatchObject({ state: "completed", attemptsMade: 1 });
    expect(await queue.getDeadLetters()).toEqual([]);
    await waitFor(() => recorded.of(job.id).includes("completed"), { message: "completed event" });
    const afterFailure = recorded.of(job.id).slice(recorded.of(job.id).indexOf("failed"));
    expect(afterFailure).toEqual(["failed", "waiting", "active", "completed"]);
  });

  it("replaying all dead letters replays each once, and an unknown or live id counts nothing", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const failing = switchableWorker(harness, backend, queue.name);
    const jobs = [await queue.add("a", {}), await queue.add("b", {}), await queue.add("c", {})];
    await failedForGood(jobs);
    failing.now = false;
    const progress: Array<[number, number]> = [];
    expect(
      await queue.replayDeadLetters(
        { all: true },
        { onProgress: (handled, total) => progress.push([handled, total]) },
      ),
    ).toEqual({ replayed: 3 });
    expect(progress.at(-1)).toEqual([3, 3]);
    for (const job of jobs) expect(await job.waitUntilFinished({ timeout: 10_000 })).toBe("done");
    expect(await queue.replayDeadLetters({ ids: [jobs[0]!.id, "no-such-job"] })).toEqual({ replayed: 0 });
    expect(await queue.replayDeadLetters({ all: true })).toEqual({ replayed: 0 });
  });

  it("two operators replaying the same dead letter at once replay it exactly once", async () => {
    const backend = await harness.backend();
    // Another process when jobs are shared between processes; the same one otherwise.
    const other = backend.capabilities.crossProcess ? await harness.backend() : backend;
    const queue = harness.queue(backend);
    const otherQueue = harness.queue(other, queue.name);
    const worker = harness.worker(backend, queue.name, () => {
      throw new Error("declined");
    });
    const job = await queue.add("charge", {});
    await failedForGood([job]);
    // No worker to fail the replayed job again: it would be a dead letter again, and replayable again.
    await worker.close();
    const results = await Promise.all([
      queue.replayDeadLetters({ ids: [job.id] }),
      otherQueue.replayDeadLetters({ ids: [job.id] }),
      queue.replayDeadLetters({ all: true }),
      otherQueue.replayDeadLetters({ ids: [job.id, job.id] }),
    ]);
    expect(results.reduce((sum, result) => sum + result.replayed, 0)).toBe(1);
  });

  it("purging removes every dead letter and says how many", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    switchableWorker(harness, backend, queue.name);
    const jobs = [await queue.add("a", {}), await queue.add("b", {})];
    await failedForGood(jobs);
    const kept = await queue.add("kept", {}, { delay: 60_000 });
    expect(await queue.purgeDeadLetters()).toBe(2);
    expect(await queue.getDeadLetters()).toEqual([]);
    expect(await queue.getJobCounts("failed", "delayed")).toEqual({ failed: 0, delayed: 1 });
    expect((await queue.getJob(kept.id))?.state).toBe("delayed");
    expect(await queue.purgeDeadLetters()).toBe(0);
  });

  it("dead letters are listed in pages", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    switchableWorker(harness, backend, queue.name);
    const jobs = [await queue.add("a", {}), await queue.add("b", {}), await queue.add("c", {})];
    await failedForGood(jobs);
    const all = await deadLetterIds(queue);
    expect([...all].sort()).toEqual(jobs.map((job) => job.id).sort());
    const pages = [
      await queue.getDeadLetters({ offset: 0, limit: 2 }),
      await queue.getDeadLetters({ offset: 2, limit: 2 }),
      await queue.getDeadLetters({ offset: 3, limit: 2 }),
    ];
    expect(pages.map((page) => page.map((letter) => letter.id))).toEqual([all.slice(0, 2), all.slice(2), []]);
    await expect(queue.getDeadLetters({ limit: -1 })).rejects.toMatchObject({ code: "INVALID_OPTION" });
  });
}
