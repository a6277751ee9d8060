// Failed tries: attempts, backoff (fixed, exponential, custom), UnrecoverableError, odd throws and results.
import { expect, it } from "vitest";
import { JobFailedError, UnrecoverableError, type QueueEvent } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import type { ContractContext } from "../contract-suite.js";

export function retryCases({ harness }: ContractContext): void {
  it("retries until a try succeeds and counts the tries", async () => {
    const backend = await harness.backend();
    const queue = harness.queue<unknown, string>(backend);
    const job = await queue.add("flaky", {}, { attempts: 3 });
    harness.worker<unknown, string>(backend, queue.name, (j) => {
      if (j.attemptsMade < 3) throw new Error(`try ${j.attemptsMade} failed`);
      return "third time lucky";
    });
    expect(await job.waitUntilFinished({ timeout: 10_000 })).toBe("third time lucky");
    await job.refresh();
    expect(job.attemptsMade).toBe(3);
    expect(job.state).toBe("completed");
  });

  it("a job that exhausts its attempts ends failed with the last reason and stack traces", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const job = await queue.add("doomed", {}, { attempts: 2 });
    harness.worker(backend, queue.name, (j) => {
      throw new Error(`boom ${j.attemptsMade}`);
    });
    const error: unknown = await job.waitUntilFinished({ timeout: 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error).toMatchObject({ state: "failed", failedReason: "boom 2" });
    await job.refresh();
    expect(job).toMatchObject({ state: "failed", attemptsMade: 2, failedReason: "boom 2" });
    expect(job.stacktrace).toHaveLength(2);
    expect(job.finishedAt).toBeGreaterThan(0);
  });

  it("fixed and exponential backoff set each retry's time from the failure", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const recorded = await harness.events(backend, queue.name);
    const fixed = await queue.add("f", {}, { attempts: 3, backoff: 40 });
    const expo = await queue.add(
      "e",
      {},
      { attempts: 4, backoff: { type: "exponential", delay: 20, maxDelay: 50 } },
    );
    harness.worker(
      backend,
      queue.name,
      () => {
        throw new Error("nope");
      },
      { concurrency: 2 },
    );
    await expect(fixed.waitUntilFinished({ timeout: 10_000 })).rejects.toBeInstanceOf(JobFailedError);
    await expect(expo.waitUntilFinished({ timeout: 10_000 })).rejects.toBeInstanceOf(JobFailedError);
    await waitFor(() => recorded.of(expo.id).includes("failed"), { message: "failed event" });
    const gaps = (id: string): number[] =>
      recorded.log
        .filter((e: QueueEvent) => e.jobId === id && e.event === "retrying")
        .map((e) => (e.runAt ?? 0) - e.timestamp);
    expect(gaps(fixed.id)).toEqual([40, 40]);
    expect(gaps(expo.id)).toEqual([20, 40, 50]);
  });

  it("a named custom backoff strategy gets the attempt number and the error", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const recorded = await harness.events(backend, queue.name);
    const seen: Array<[number, string]> = [];
    const job = await queue.add("c", {}, { attempts: 3, backoff: { type: "linear" } });
    harness.worker(
      backend,
      queue.name,
      (j) => {
        throw new Error(`e${j.attemptsMade}`);
      },
      {
        backoffStrategies: {
          linear: (attempts, error) => {
            seen.push([attempts, error.message]);
            return attempts * 15;
          },
        },
      },
    );
    await expect(job.waitUntilFinished({ timeout: 10_000 })).rejects.toBeInstanceOf(JobFailedError);
    expect(seen).toEqual([
      [1, "e1"],
      [2, "e2"],
    ]);
    await waitFor(() => recorded.of(job.id).includes("failed"), { message: "failed event" });
    const retrying = recorded.log.filter((e) => e.jobId === job.id && e.event === "retrying");
    expect(retrying.map((e) => (e.runAt ?? 0) - e.timestamp)).toEqual([15, 30]);
  });

  it("an UnrecoverableError fails the job at once, skipping its remaining attempts", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const job = await queue.add("u", {}, { attempts: 5 });
    harness.worker(backend, queue.name, () => {
      throw new UnrecoverableError("account deleted");
    });
    await expect(job.waitUntilFinished({ timeout: 10_000 })).rejects.toMatchObject({
      failedReason: "account deleted",
    });
    await job.refresh();
    expect(job.attemptsMade).toBe(1);
  });

  it.each([
    ["a string", "just a string", /non-Error value: "just a string"/],
    ["an object", { code: 42 }, /non-Error value: \{"code":42\}/],
    ["undefined", undefined, /non-Error value: undefined/],
  ])(
    "a processor that throws %s fails with a reason that shows the value",
    async (_label, thrown, reason) => {
      const backend = await harness.backend();
      const queue = harness.queue(backend);
      const job = await queue.add("t", {});
      harness.worker(backend, queue.name, () => {
        // Deliberately not an Error: users' code does this, and Warren must cope.
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw thrown;
      });
      const error = (await job
        .waitUntilFinished({ timeout: 10_000 })
        .catch((e: unknown) => e)) as JobFailedError;
      expect(error.failedReason).toMatch(reason);
    },
  );

  it("a processor returning a non-serialisable value fails the try with a clear reason", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const job = await queue.add("r", {});
    harness.worker(backend, queue.name, () => ({ total: 10n }));
    const error = (await job
      .waitUntilFinished({ timeout: 10_000 })
      .catch((e: unknown) => e)) as JobFailedError;
    expect(error.failedReason).toMatch(/return value cannot be stored as JSON.*BigInt/);
  });

  it("retry of a failed job gives it a fresh attempt budget", async () => {
    const backend = await harness.backend();
    const queue = harness.queue<unknown, string>(backend);
    let healthy = false;
    const job = await queue.add("r", {}, { attempts: 2 });
    harness.worker<unknown, string>(backend, queue.name, () => {
      if (!healthy) throw new Error("down");
      return "up";
    });
    await expect(job.waitUntilFinished({ timeout: 10_000 })).rejects.toBeInstanceOf(JobFailedError);
    healthy = true;
    const retried = await queue.retry(job.id);
    expect(retried.state).toBe("waiting");
    expect(retried.attemptsMade).toBe(0);
    expect(await job.waitUntilFinished({ timeout: 10_000 })).toBe("up");
    await job.refresh();
    expect(job.attemptsMade).toBe(1);
  });
}
