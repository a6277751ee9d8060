// @opentelemetry/api installed (it is a dev dependency here) but no SDK registered: the API's own no-op.
import { afterEach, describe, expect, it } from "vitest";
import { MemoryBackend, Queue, Worker } from "../../../src/index.js";
import { loadOtelApi } from "../../../src/tracing/otel-api.js";

describe("the API without an SDK", () => {
  const backend = new MemoryBackend();
  afterEach(async () => {
    await backend.close();
  });

  it("jobs run as ever and carry no trace context", async () => {
    expect(await loadOtelApi()).not.toBeNull();
    const queue = new Queue("plain", { backend });
    const worker = new Worker("plain", (job) => `done ${job.name}`, { backend });
    const one = await queue.add("one", {});
    const [two] = await queue.addBulk([{ name: "two", data: {} }]);
    expect(await one.waitUntilFinished({ timeout: 10_000 })).toBe("done one");
    expect(await two!.waitUntilFinished({ timeout: 10_000 })).toBe("done two");
    await worker.close();
    for (const job of [one, two!]) expect((await backend.getJob("plain", job.id))?.trace).toBeUndefined();
  });
});
