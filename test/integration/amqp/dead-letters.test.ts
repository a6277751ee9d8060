import * as amqp from "amqplib";
import { describe, expect, it } from "vitest";
import { AmqpBackend } from "../../../src/backend/amqp/index.js";
import { MemoryStore } from "../../../src/backend/memory/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { uniqueQueueName, useHarness } from "../../helpers/harness.js";
import { useRawAmqp } from "../../helpers/raw-amqp.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const reachable = await requireService("rabbitmq");
const PREFIX = "warren-it";

describe.runIf(reachable)("RabbitMQ dead-lettering (real broker)", () => {
  const broker = useRawAmqp();
  const harness = useHarness(
    () =>
      new AmqpBackend({
        url: SERVICE_URLS.rabbitmq,
        store: new MemoryStore(),
        exchange: PREFIX,
        onError: () => {},
      }),
  );

  async function nextDeadLetter(queue: string): Promise<amqp.GetMessage> {
    return waitFor(
      async () => (await broker.channel.get(`${PREFIX}.dlq.${queue}`, { noAck: true })) || undefined,
      {
        message: `a dead letter in ${queue}`,
      },
    );
  }

  it.each([
    ["not JSON", Buffer.from("definitely not json"), /not JSON/],
    [
      "an unknown envelope version",
      Buffer.from(JSON.stringify({ v: 99, name: "x", data: {} })),
      /version 99/,
    ],
    ["a missing name", Buffer.from(JSON.stringify({ v: 1, data: {} })), /missing field: name/],
    ["missing data", Buffer.from(JSON.stringify({ v: 1, name: "x" })), /missing field: data/],
    [
      "options Warren refuses",
      Buffer.from(JSON.stringify({ v: 1, name: "x", data: {}, opts: { priority: 0 } })),
      /invalid job in message: invalid message opts: priority must be an integer 1–10/,
    ],
    [
      "a number in its data that JSON cannot hold",
      Buffer.from('{"v":1,"name":"x","data":{"n":1e400}}'),
      /invalid job in message: job data cannot be stored as JSON: \$\.n is Infinity/,
    ],
  ])(
    "a message with %s is dead-lettered with the reason, and later jobs complete",
    async (_l, body, reason) => {
      const backend = await harness.backend();
      const queue = harness.queue(backend, uniqueQueueName("dlq"));
      harness.worker(backend, queue.name, () => "done");
      await queue.add("warm-up", {});
      await waitFor(async () => (await queue.getJobCounts("completed")).completed === 1, {
        message: "warm-up",
      });
      broker.channel.publish(`${PREFIX}.jobs`, queue.name, body, { persistent: true });
      const dead = await nextDeadLetter(queue.name);
      expect(String(dead.properties.headers?.["x-warren-reason"])).toMatch(reason);
      expect(dead.content.equals(body)).toBe(true);
      const after = await queue.add("after", {});
      expect(await after.waitUntilFinished({ timeout: 10_000 })).toBe("done");
    },
  );

  it("a job that fails its last attempt lands in the dead-letter queue and stays listed as failed", async () => {
    const backend = await harness.backend();
    const queue = harness.queue<{ order: number }>(backend, uniqueQueueName("dlq"));
    harness.worker(backend, queue.name, () => {
      throw new Error("card declined");
    });
    const job = await queue.add("charge", { order: 7 }, { attempts: 2 });
    await expect(job.waitUntilFinished({ timeout: 10_000 })).rejects.toMatchObject({ state: "failed" });
    const dead = await nextDeadLetter(queue.name);
    expect(dead.properties.headers?.["x-warren-reason"]).toBe("card declined");
    expect(JSON.parse(dead.content.toString())).toMatchObject({
      v: 1,
      id: job.id,
      name: "charge",
      data: { order: 7 },
    });
    expect((await queue.getJobs("failed")).map((j) => j.id)).toEqual([job.id]);
  });

  it("a job whose ttl ran out before it started is dead-lettered as expired", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend, uniqueQueueName("dlq"));
    await queue.pause();
    const job = await queue.add("stale", {}, { ttl: 20 });
    await waitFor(() => Date.now() > job.createdAt + 40, { message: "ttl to pass" });
    harness.worker(backend, queue.name, () => "ran");
    await queue.resume();
    await expect(job.waitUntilFinished({ timeout: 10_000 })).rejects.toMatchObject({ state: "expired" });
    const dead = await nextDeadLetter(queue.name);
    expect(String(dead.properties.headers?.["x-warren-reason"])).toMatch(/ttl/);
  });

  it("a job that maintenance expires before any worker claims it is dead-lettered too", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend, uniqueQueueName("dlq"));
    // Paused: no claim ever sees the job, so only the maintenance pass can expire it.
    await queue.pause();
    harness.worker(backend, queue.name, () => "never runs");
    const job = await queue.add("stale", {}, { ttl: 20 });
    await expect(job.waitUntilFinished({ timeout: 20_000 })).rejects.toMatchObject({ state: "expired" });
    const dead = await nextDeadLetter(queue.name);
    expect(String(dead.properties.headers?.["x-warren-reason"])).toMatch(/ttl/);
    expect(JSON.parse(dead.content.toString())).toMatchObject({ id: job.id, name: "stale" });
  }, 30_000);
});
