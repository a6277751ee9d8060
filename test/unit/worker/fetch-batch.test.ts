import { describe, expect, it } from "vitest";
import { Queue, Worker } from "../../../src/index.js";
import { MemoryBackend } from "../../../src/backend/memory/index.js";
import { waitFor } from "../../../src/testing/index.js";

describe("the worker's fetch size", () => {
  it("asks for at most half its concurrency per fetch, so a claim overlaps the running batch", async () => {
    const backend = new MemoryBackend();
    const asked: number[] = [];
    const fetch = backend.fetch.bind(backend);
    backend.fetch = (request) => {
      asked.push(request.max);
      return fetch(request);
    };
    const queue = new Queue("batch", { backend });
    await queue.addBulk(Array.from({ length: 60 }, (_, n) => ({ name: "x", data: { n } })));
    let done = 0;
    const worker = new Worker("batch", () => undefined, { backend, concurrency: 10 });
    worker.on("completed", () => (done += 1));
    try {
      await waitFor(() => done === 60, { message: "all 60 jobs completed" });
      expect(asked.length).toBeGreaterThan(0);
      expect(Math.max(...asked)).toBe(5);
    } finally {
      await worker.close();
      await queue.close();
      await backend.close();
    }
  });
});
