import { describe, expect, it } from "vitest";
import { AmqpBackend } from "../../../src/backend/amqp/index.js";
import { MemoryStore } from "../../../src/backend/memory/index.js";
import { Queue } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { uniqueQueueName, useHarness } from "../../helpers/harness.js";
import { getBindings, getExchange, getQueue, managementReachable } from "../../helpers/rabbitmq-admin.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const reachable = (await requireService("rabbitmq")) && (await managementReachable());
const PREFIX = "warren-it";

describe.runIf(reachable)("RabbitMQ topology (real broker, management API)", () => {
  const harness = useHarness(
    () =>
      new AmqpBackend({
        url: SERVICE_URLS.rabbitmq,
        store: new MemoryStore(),
        exchange: PREFIX,
        onError: () => {},
      }),
  );

  it("declares durable topic exchanges, a durable priority queue bound by queue name, and a dead-letter queue", async () => {
    const backend = (await harness.backend()) as AmqpBackend;
    const queue = harness.queue(backend, uniqueQueueName("topo"));
    await queue.add("x", {});
    for (const name of [`${PREFIX}.jobs`, `${PREFIX}.dlx`, `${PREFIX}.events`]) {
      expect(await getExchange(name)).toMatchObject({ name, type: "topic", durable: true });
    }
    const jobs = await waitFor(() => getQueue(`${PREFIX}.q.${queue.name}`), { message: "job queue visible" });
    expect(jobs.durable).toBe(true);
    expect(jobs.arguments).toMatchObject({
      "x-max-priority": 10,
      "x-queue-type": "classic",
      "x-dead-letter-exchange": `${PREFIX}.dlx`,
      "x-dead-letter-routing-key": queue.name,
    });
    expect(await getBindings(`${PREFIX}.q.${queue.name}`)).toContainEqual(
      expect.objectContaining({ source: `${PREFIX}.jobs`, routing_key: queue.name }),
    );
    const deadLetters = await getQueue(`${PREFIX}.dlq.${queue.name}`);
    expect(deadLetters?.durable).toBe(true);
    expect(await getBindings(`${PREFIX}.dlq.${queue.name}`)).toContainEqual(
      expect.objectContaining({ source: `${PREFIX}.dlx`, routing_key: queue.name }),
    );
  });

  it("publishes job messages as persistent messages that wait in the durable queue", async () => {
    const backend = (await harness.backend()) as AmqpBackend;
    const queue = harness.queue(backend, uniqueQueueName("durable"));
    await queue.addBulk(Array.from({ length: 3 }, () => ({ name: "x", data: {} })));
    const managed = await waitFor(
      async () => {
        const q = await getQueue(`${PREFIX}.q.${queue.name}`);
        return q && q.messages === 3 ? q : undefined;
      },
      { message: "three messages counted by the broker" },
    );
    expect(managed.messages).toBe(3);
    expect(backend.serverVersion).toMatch(/^3\.10\./);
  });

  it("quorum queues carry a delivery limit instead of priorities", async () => {
    const backend = new AmqpBackend({
      url: SERVICE_URLS.rabbitmq,
      store: new MemoryStore(),
      exchange: `${PREFIX}-quorum`,
      queueType: "quorum",
      onError: () => {},
    });
    const queue = new Queue(uniqueQueueName("quorum"), { backend });
    try {
      await queue.add("x", {});
      const managed = await waitFor(() => getQueue(`${PREFIX}-quorum.q.${queue.name}`), {
        message: "quorum queue",
      });
      expect(managed.arguments).toMatchObject({ "x-queue-type": "quorum", "x-delivery-limit": 20 });
      expect(managed.arguments["x-max-priority"]).toBeUndefined();
    } finally {
      await queue.obliterate({ force: true });
      await backend.close();
    }
  });
});
