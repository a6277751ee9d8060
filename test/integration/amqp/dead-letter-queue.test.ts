import { describe, expect, it } from "vitest";
import { AmqpBackend } from "../../../src/backend/amqp/index.js";
import { MemoryStore } from "../../../src/backend/memory/index.js";
import type { Job, Queue } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { uniqueQueueName, useHarness } from "../../helpers/harness.js";
import { useRawAmqp } from "../../helpers/raw-amqp.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const reachable = await requireService("rabbitmq");
const PREFIX = "warren-it";

describe.runIf(reachable)("RabbitMQ dead-letter queue as dead letters (real broker)", () => {
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

  const dlq = (queue: string): string => `${PREFIX}.dlq.${queue}`;
  const inDeadLetterQueue = async (queue: string): Promise<number> =>
    (await broker.channel.checkQueue(dlq(queue))).messageCount;

  /** A queue whose topology exists (a job ran through it), so messages can go straight into its DLQ. */
  async function declaredQueue(): Promise<{ queue: Queue }> {
    const backend = await harness.backend();
    const queue = harness.queue(backend, uniqueQueueName("dlq"));
    harness.worker<{ n?: number }, number>(backend, queue.name, (job) => job.data.n ?? 0);
    const warmUp = await queue.add("warm-up", {});
    await warmUp.waitUntilFinished({ timeout: 10_000 });
    return { queue };
  }

  it("a queue whose dead-letter queue was never declared has no dead letters, and listing declares nothing", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend, uniqueQueueName("dlq"));
    expect(await queue.getDeadLetters()).toEqual([]);
    expect(await queue.purgeDeadLetters()).toBe(0);
    // A channel of its own: the broker closes it with its 404.
    const probe = await broker.connection.createChannel();
    probe.on("error", () => undefined);
    await expect(probe.checkQueue(dlq(queue.name))).rejects.toMatchObject({ code: 404 });
  });

  it("a malformed foreign message in the dead-letter queue is a broker dead letter, listed without losing it, and purgeable", async () => {
    const { queue } = await declaredQueue();
    broker.channel.sendToQueue(dlq(queue.name), Buffer.from("definitely not json"), { persistent: true });
    await waitFor(async () => (await inDeadLetterQueue(queue.name)) === 1, {
      message: "the foreign message",
    });
    const letters = await queue.getDeadLetters();
    expect(letters).toEqual([
      {
        id: expect.stringMatching(/^broker:/) as string,
        reason: expect.stringMatching(/malformed: body is not JSON/) as string,
        deadLetteredAt: 0,
        source: "broker",
      },
    ]);
    // Listing holds and hands back: the message is still there, and keeps its id.
    expect(await inDeadLetterQueue(queue.name)).toBe(1);
    expect(await queue.getDeadLetters()).toEqual(letters);
    expect(await queue.purgeDeadLetters()).toBe(1);
    expect(await inDeadLetterQueue(queue.name)).toBe(0);
    expect(await queue.getDeadLetters()).toEqual([]);
  });

  it("a broker dead letter's reason comes from its x-death headers, and a replay publishes it to the queue once", async () => {
    const { queue } = await declaredQueue();
    const body = Buffer.from(JSON.stringify({ v: 1, name: "foreign", data: { n: 42 } }));
    broker.channel.sendToQueue(dlq(queue.name), body, {
      persistent: true,
      headers: {
        "x-death": [{ count: 1, reason: "rejected", queue: `${PREFIX}.q.${queue.name}`, exchange: "" }],
      },
    });
    await waitFor(async () => (await inDeadLetterQueue(queue.name)) === 1, {
      message: "the foreign message",
    });
    const [letter] = await queue.getDeadLetters();
    expect(letter).toMatchObject({
      source: "broker",
      name: "foreign",
      data: { n: 42 },
      reason: `dead-lettered by the broker: rejected from ${PREFIX}.q.${queue.name}`,
    });
    expect(letter?.jobId).toBeUndefined();
    const results = await Promise.all([
      queue.replayDeadLetters({ ids: [letter!.id] }),
      queue.replayDeadLetters({ ids: [letter!.id] }),
    ]);
    expect(results.reduce((sum, result) => sum + result.replayed, 0)).toBe(1);
    const ran = await waitFor(
      async () => (await queue.getJobs("completed")).find((job) => job.name === "foreign"),
      { message: "the replayed message to run" },
    );
    expect(ran.returnValue).toBe(42);
    expect(await inDeadLetterQueue(queue.name)).toBe(0);
  });

  /** A job that failed for good, once its copy has reached the dead-letter queue. */
  async function failedWithCopy(): Promise<{ queue: Queue; job: Job }> {
    const backend = await harness.backend();
    const queue = harness.queue(backend, uniqueQueueName("dlq"));
    const worker = harness.worker(backend, queue.name, () => {
      throw new Error("card declined");
    });
    const job = await queue.add("charge", {});
    await expect(job.waitUntilFinished({ timeout: 10_000 })).rejects.toMatchObject({ state: "failed" });
    await worker.close();
    await waitFor(async () => (await inDeadLetterQueue(queue.name)) === 1, {
      message: "the dead-letter copy",
    });
    return { queue, job };
  }

  it("a job that failed for good is listed once though the dead-letter queue holds its copy, and retrying it removes the copy", async () => {
    const { queue, job } = await failedWithCopy();
    expect(await queue.getDeadLetters()).toMatchObject([
      { id: job.id, jobId: job.id, source: "store", reason: "card declined" },
    ]);
    expect(await inDeadLetterQueue(queue.name)).toBe(1);
    await queue.retry(job.id);
    expect(await inDeadLetterQueue(queue.name)).toBe(0);
  });

  it("replaying a failed job removes its dead-letter copy, and a stale copy left behind is dropped by the next listing", async () => {
    const { queue, job } = await failedWithCopy();
    expect(await queue.replayDeadLetters({ ids: [job.id] })).toEqual({ replayed: 1 });
    expect(await inDeadLetterQueue(queue.name)).toBe(0);
    // A copy of a job that is no longer dead (as a copy published late by another process would be).
    broker.channel.sendToQueue(
      dlq(queue.name),
      Buffer.from(JSON.stringify({ v: 1, id: job.id, name: "charge", data: {} })),
      { persistent: true, headers: { "x-warren-reason": "card declined" } },
    );
    await waitFor(async () => (await inDeadLetterQueue(queue.name)) === 1, { message: "the stale copy" });
    expect(await queue.getDeadLetters()).toEqual([]);
    expect(await inDeadLetterQueue(queue.name)).toBe(0);
  });
});
