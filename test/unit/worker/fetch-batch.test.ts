import { describe, expect, it } from "vitest";
import { Queue, Worker, type Processor } from "../../../src/index.js";
import { MemoryBackend } from "../../../src/backend/memory/index.js";
import { waitFor } from "../../../src/testing/index.js";

/** Runs `jobs` jobs through one worker; returns what each fetch asked for and how many jobs it got. */
async function fetchesOf(jobs: number, concurrency: number, processor: Processor<unknown, unknown>) {
  const backend = new MemoryBackend();
  const fetches: Array<{ asked: number; got: number }> = [];
  let running = 0;
  let mostRunning = 0;
  const fetch = backend.fetch.bind(backend);
  backend.fetch = async (request) => {
    const records = await fetch(request);
    if (records.length > 0) fetches.push({ asked: request.max, got: records.length });
    return records;
  };
  const queue = new Queue("batch", { backend });
  await queue.addBulk(Array.from({ length: jobs }, (_, n) => ({ name: "x", data: { n } })));
  let done = 0;
  const worker = new Worker(
    "batch",
    async (job, signal) => {
      mostRunning = Math.max(mostRunning, ++running);
      try {
        return await processor(job, signal);
      } finally {
        running -= 1;
      }
    },
    { backend, concurrency },
  );
  worker.on("completed", () => (done += 1));
  try {
    await waitFor(() => done === jobs, { message: `all ${jobs} jobs completed` });
    return { fetches, mostRunning };
  } finally {
    await worker.close();
    await queue.close();
    await backend.close();
  }
}

describe("the worker's fetch size", () => {
  it("claims every free slot: quick jobs come in full batches, not a slot and then the rest", async () => {
    // Quick but not synchronous: each job ends a few promise turns after it starts.
    const { fetches } = await fetchesOf(60, 10, async () => {
      for (let turn = 0; turn < 5; turn++) await Promise.resolve();
    });
    expect(Math.max(...fetches.map((f) => f.asked))).toBe(10);
    // 60 jobs in batches of 10; a batch whose finishes were still being recorded may be split once.
    expect(fetches.length).toBeLessThanOrEqual(8);
    expect(fetches.filter((f) => f.got === 1).length).toBeLessThanOrEqual(1);
  });

  it("slow jobs: each claim takes the slots freed meanwhile, and never more run than the concurrency", async () => {
    const { fetches, mostRunning } = await fetchesOf(
      40,
      4,
      () => new Promise((resolve) => setTimeout(resolve, 5)),
    );
    expect(mostRunning).toBe(4);
    expect(fetches.every((f) => f.got <= f.asked && f.asked <= 4)).toBe(true);
  });
});
