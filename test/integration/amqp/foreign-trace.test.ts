// A foreign producer's trace context, sent as W3C Trace Context headers on its AMQP message, is kept on the job
// Warren adopts, and the job's try continues that trace. Real RabbitMQ and Redis; raw amqplib as the producer.
import { randomBytes } from "node:crypto";
import { SpanKind } from "@opentelemetry/api";
import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AmqpBackend } from "../../../src/backend/amqp/index.js";
import { RedisStore } from "../../../src/backend/redis/index.js";
import type { Queue } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { uniqueQueueName, useHarness } from "../../helpers/harness.js";
import { registerTestSdk, type TestSdk } from "../../helpers/otel-sdk.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const reachable = (await requireService("rabbitmq")) && (await requireService("redis"));
// Fixed, as in foreign-producer.test.ts: runs reuse the exchanges; unique queue names keep tests apart.
const PREFIX = "warren-it-trace";
const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN_ID = "00f067aa0ba902b7";

let sdk: TestSdk;
beforeAll(() => {
  sdk = registerTestSdk();
});
afterAll(async () => {
  await sdk.shutdown();
});

/** Publishes a job as another program would: envelope v1, no x-warren header, persistent, confirmed. */
async function publishForeign(queue: string, id: string, headers: Record<string, string>): Promise<void> {
  const connection = await amqp.connect(SERVICE_URLS.rabbitmq);
  try {
    const channel = await connection.createConfirmChannel();
    const body = Buffer.from(JSON.stringify({ v: 1, id, name: "foreign", data: { from: "elsewhere" } }));
    channel.publish(`${PREFIX}.jobs`, queue, body, {
      persistent: true,
      contentType: "application/json",
      headers,
    });
    await channel.waitForConfirms();
    await channel.close();
  } finally {
    await connection.close();
  }
}

describe.runIf(reachable)("a foreign AMQP message with trace headers (RabbitMQ + Redis)", () => {
  const harness = useHarness(
    () =>
      new AmqpBackend({
        url: SERVICE_URLS.rabbitmq,
        store: new RedisStore({ url: SERVICE_URLS.redis, prefix: `wt-${randomBytes(4).toString("hex")}` }),
        exchange: PREFIX,
        onError: () => {},
      }),
  );

  async function runForeign(queue: Queue, id: string, headers: Record<string, string>) {
    await publishForeign(queue.name, id, headers);
    return waitFor(
      async () => {
        const found = await queue.getJob(id);
        return found?.state === "completed" ? found : undefined;
      },
      { message: `the foreign job ${id} to complete` },
    );
  }

  it("keeps its traceparent and tracestate on the adopted job, and the try's span continues its trace", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend, uniqueQueueName("foreign"));
    harness.worker(backend, queue.name, () => "adopted");
    // A first job through Warren declares the queue and proves the worker is consuming it.
    await (await queue.add("warm-up", {})).waitUntilFinished({ timeout: 10_000 });

    const traceparent = `00-${TRACE_ID}-${SPAN_ID}-01`;
    const id = `foreign-${randomBytes(4).toString("hex")}`;
    await runForeign(queue, id, { traceparent, tracestate: "congo=t61rcWkgMzE" });
    expect((await backend.getJob(queue.name, id))?.trace).toEqual({
      traceparent,
      tracestate: "congo=t61rcWkgMzE",
    });
    const span = await waitFor(
      () => sdk.named(`process ${queue.name}`).find((s) => s.attributes["messaging.message.id"] === id),
      { message: "the foreign job's process span" },
    );
    expect(span).toMatchObject({ kind: SpanKind.CONSUMER, attributes: { "messaging.system": "rabbitmq" } });
    expect(span.spanContext().traceId).toBe(TRACE_ID);
    expect(span.parentSpanContext?.spanId).toBe(SPAN_ID);
  });

  it("a traceparent that does not parse is not kept: the job runs untraced by it", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend, uniqueQueueName("foreign"));
    harness.worker(backend, queue.name, () => "adopted");
    await (await queue.add("warm-up", {})).waitUntilFinished({ timeout: 10_000 });

    const id = `foreign-${randomBytes(4).toString("hex")}`;
    await runForeign(queue, id, { traceparent: "not-a-traceparent" });
    expect((await backend.getJob(queue.name, id))?.trace).toBeUndefined();
  });
});
