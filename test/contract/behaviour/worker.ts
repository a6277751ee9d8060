// Workers: concurrency, rate limits, shutdown, stalled-job recovery, topic patterns.
import { expect, it } from "vitest";
import { waitFor } from "../../../src/testing/index.js";
import { deferred, expectWithinLimiter, uniqueQueueName } from "../../helpers/harness.js";
import type { ContractContext } from "../contract-suite.js";

export function workerCases({ harness }: ContractContext): void {
  it("a worker never runs more than its concurrency at once", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    let running = 0;
    let peak = 0;
    await queue.addBulk(Array.from({ length: 60 }, () => ({ name: "c", data: {} })));
    harness.worker(
      backend,
      queue.name,
      async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setImmediate(resolve));
        running -= 1;
      },
      { concurrency: 5 },
    );
    await waitFor(async () => (await queue.getJobCounts("completed")).completed === 60, {
      message: "60 done",
    });
    expect(peak).toBeLessThanOrEqual(5);
    expect(peak).toBeGreaterThan(1);
  });

  it("a limiter holds across workers: no window of `duration` ms starts more than `max` jobs", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const limiter = { max: 3, duration: 100 };
    await queue.addBulk(Array.from({ length: 12 }, () => ({ name: "l", data: {} })));
    for (let i = 0; i < 2; i++) harness.worker(backend, queue.name, () => "ok", { concurrency: 4, limiter });
    await waitFor(async () => (await queue.getJobCounts("completed")).completed === 12, {
      message: "12 done",
      timeout: 20_000,
    });
    const starts = (await queue.getJobs("completed", { limit: 100 })).map((job) => job.processedAt ?? 0);
    expectWithinLimiter(starts, limiter);
  });

  it("close waits for running jobs to finish and be recorded", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const started = deferred();
    const release = deferred();
    const job = await queue.add("slow", {});
    const worker = harness.worker(backend, queue.name, async () => {
      started.resolve();
      await release.promise;
      return "finished";
    });
    await started.promise;
    let closed = false;
    const closing = worker.close().then(() => (closed = true));
    await Promise.resolve();
    expect(closed).toBe(false);
    release.resolve();
    await closing;
    expect(await job.getState()).toBe("completed");
  });

  it("close({ force: true }) returns while the processor is blocked and fires its signal", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const started = deferred();
    let aborted = false;
    await queue.add("stuck", {});
    const worker = harness.worker(backend, queue.name, (_job, { signal }) => {
      signal.addEventListener("abort", () => (aborted = true));
      started.resolve();
      return new Promise(() => undefined);
    });
    await started.promise;
    await worker.close({ force: true });
    expect(aborted).toBe(true);
  });

  it("a try that settles just after close({ force: true }) is abandoned, not recorded", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const started = deferred();
    const release = deferred();
    const job = await queue.add("racing", {}, { attempts: 1 });
    const worker = harness.worker(backend, queue.name, async () => {
      started.resolve();
      await release.promise;
      throw new Error("settled after the forced close");
    });
    await started.promise;
    const closing = worker.close({ force: true });
    release.resolve();
    await closing;
    await job.refresh();
    expect(job.state).toBe("active");
    expect(job.attemptsMade).toBe(1);
  });

  it("a job whose worker died is recovered as stalled and completes on another worker", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const started = deferred();
    const job = await queue.add("crashy", {}, { attempts: 1 });
    const doomed = harness.worker(backend, queue.name, () => {
      started.resolve();
      return new Promise(() => undefined);
    });
    await started.promise;
    await doomed.close({ force: true });
    expect(await job.getState()).toBe("active");
    const report = await backend.maintain(queue.name, backend.clock.now() + 60_000);
    expect(report.stalled).toBe(1);
    await job.refresh();
    expect(job).toMatchObject({ state: "waiting", stalledCount: 1 });
    harness.worker(backend, queue.name, () => "recovered");
    expect(await job.waitUntilFinished({ timeout: 10_000 })).toBe("recovered");
  });

  it("a job that stalls more than maxStalledCount fails with a reason that says so", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const job = await queue.add("crashy", {});
    for (let i = 0; i < 2; i++) {
      const started = deferred();
      const worker = harness.worker(
        backend,
        queue.name,
        () => {
          started.resolve();
          return new Promise(() => undefined);
        },
        { maxStalledCount: 1 },
      );
      await started.promise;
      await worker.close({ force: true });
      await backend.maintain(queue.name, backend.clock.now() + 120_000);
    }
    await job.refresh();
    expect(job.state).toBe("failed");
    expect(job.failedReason).toMatch(/stalled more than 1 time/);
  });

  it("a late result from a worker that lost its lock is refused", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const started = deferred();
    const release = deferred();
    const job = await queue.add("late", {});
    const slow = harness.worker(backend, queue.name, async () => {
      started.resolve();
      await release.promise;
      return "late result";
    });
    await started.promise;
    await backend.maintain(queue.name, backend.clock.now() + 120_000);
    harness.worker(backend, queue.name, () => "fresh result");
    expect(await job.waitUntilFinished({ timeout: 10_000 })).toBe("fresh result");
    release.resolve();
    await slow.close();
    await job.refresh();
    expect(job.returnValue).toBe("fresh result");
  });

  it.runIf(process.env["WARREN_CONTRACT_SKIP_WILDCARDS"] !== "1")(
    "a worker on a topic pattern takes jobs from every matching queue and no other",
    async () => {
      const backend = await harness.backend();
      if (!backend.capabilities.topicWildcards) return;
      const root = uniqueQueueName("topic");
      const welcome = harness.queue(backend, `${root}.welcome`);
      const reset = harness.queue(backend, `${root}.reset`);
      const other = harness.queue(backend, `${root}-sms.x`);
      const seen: string[] = [];
      const a = await welcome.add("w", {});
      const b = await reset.add("r", {});
      const c = await other.add("o", {});
      harness.worker(backend, `${root}.*`, (job) => {
        seen.push(job.queueName);
        return job.queueName;
      });
      expect(await a.waitUntilFinished({ timeout: 10_000 })).toBe(`${root}.welcome`);
      expect(await b.waitUntilFinished({ timeout: 10_000 })).toBe(`${root}.reset`);
      expect(await c.getState()).toBe("waiting");
      expect(seen.sort()).toEqual([`${root}.reset`, `${root}.welcome`]);
    },
  );

  it("emits active, completed and failed for the jobs it runs", async () => {
    const backend = await harness.backend();
    const queue = harness.queue<{ fail: boolean }, string>(backend);
    const worker = harness.worker<{ fail: boolean }, string>(backend, queue.name, (job) => {
      if (job.data.fail) throw new Error("asked to fail");
      return "fine";
    });
    const seen: string[] = [];
    worker.on("active", (job) => seen.push(`active:${job.name}`));
    worker.on("completed", (job, result) => seen.push(`completed:${job.name}:${result}`));
    worker.on("failed", (job, error) => seen.push(`failed:${job.name}:${error.message}`));
    const good = await queue.add("good", { fail: false });
    const bad = await queue.add("bad", { fail: true });
    await good.waitUntilFinished({ timeout: 10_000 });
    await bad.waitUntilFinished({ timeout: 10_000 }).catch(() => undefined);
    await waitFor(() => seen.length === 4, { message: "four worker events" });
    expect(seen).toEqual(["active:good", "completed:good:fine", "active:bad", "failed:bad:asked to fail"]);
  });
}
