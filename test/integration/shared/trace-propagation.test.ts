// One trace across two processes, on every server backend: the producer's send span here, each try's process
// span in a child worker process, joined by the trace context the job record (and, on RabbitMQ, the message's
// headers) carried. Both processes register an SDK as an application would.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topologyNames } from "../../../src/backend/amqp/topology.js";
import { createBackend, type Job } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { uniqueQueueName, useHarness } from "../../helpers/harness.js";
import { registerTestSdk, summarize, type SpanSummary, type TestSdk } from "../../helpers/otel-sdk.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const prefix = `trace-${randomBytes(4).toString("hex")}`;
const redisUrl = `${SERVICE_URLS.redis}?prefix=${prefix}`;
const targets = [
  { name: "redis", needs: ["redis"], system: "redis", url: redisUrl },
  { name: "postgres", needs: ["postgres"], system: "postgresql", url: SERVICE_URLS.postgres },
  {
    name: "amqp+redis",
    needs: ["rabbitmq", "redis"],
    system: "rabbitmq",
    url: `${SERVICE_URLS.rabbitmq}?store=${encodeURIComponent(redisUrl)}`,
  },
  {
    name: "amqp+postgres",
    needs: ["rabbitmq", "postgres"],
    system: "rabbitmq",
    url: `${SERVICE_URLS.rabbitmq}?store=${encodeURIComponent(SERVICE_URLS.postgres)}`,
  },
] as const;

const reachable = new Map<string, boolean>();
for (const target of targets) {
  let ok = true;
  for (const service of target.needs) ok = (await requireService(service)) && ok;
  reachable.set(target.name, ok);
}

let sdk: TestSdk;
beforeAll(() => {
  sdk = registerTestSdk();
});
afterAll(async () => {
  await sdk.shutdown();
});

/** A child worker process and the spans it has sent so far. */
function startTracedWorker(url: string, queue: string): { spans: SpanSummary[]; close(): Promise<void> } {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "test/integration/shared/fixtures/traced-worker.ts", url, queue],
    { stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  const spans: SpanSummary[] = [];
  child.on("message", (span: SpanSummary) => spans.push(span));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return {
    spans,
    close: async () => {
      if (child.exitCode === null) child.send("close");
      await exited;
    },
  };
}

/** The message RabbitMQ holds for the queue's first job, read and handed back before any worker consumes. */
async function peekMessageHeaders(queue: string): Promise<Record<string, unknown>> {
  const connection = await amqp.connect(SERVICE_URLS.rabbitmq);
  try {
    const channel = await connection.createChannel();
    const message = await waitFor(
      async () => (await channel.get(topologyNames("warren").jobQueue(queue), { noAck: false })) || undefined,
      { message: "the job's message on the broker" },
    );
    channel.nack(message, false, true);
    await channel.close();
    return message.properties.headers ?? {};
  } finally {
    await connection.close();
  }
}

const text = (value: unknown): unknown => (Buffer.isBuffer(value) ? value.toString("utf8") : value);

describe("a job's trace across a producer and a worker process", () => {
  for (const target of targets) {
    describe.runIf(reachable.get(target.name))(target.name, () => {
      const harness = useHarness(() => createBackend(target.url));

      it("the worker's process spans are children of the producer's send span, in one trace", async () => {
        const backend = await harness.backend();
        const queue = harness.queue(backend, uniqueQueueName("trace"));
        const ok = await queue.add("ok", { n: 1 });
        const flaky = await queue.add("flaky", {}, { attempts: 2, backoff: 0 });
        const traceOf = async (job: Job) => (await backend.getJob(queue.name, job.id))?.trace;
        expect((await traceOf(ok))?.traceparent).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-01$/);

        if (target.name.startsWith("amqp")) {
          const headers = await peekMessageHeaders(queue.name);
          expect(text(headers["traceparent"])).toBe((await traceOf(ok))?.traceparent);
        }

        const worker = startTracedWorker(target.url, queue.name);
        try {
          expect(await ok.waitUntilFinished({ timeout: 20_000 })).toBe("done ok");
          expect(await flaky.waitUntilFinished({ timeout: 20_000 })).toBe("done flaky");
          const childSpans = await waitFor(
            () =>
              worker.spans.filter((span) => span.name.startsWith("render")).length >= 3 &&
              worker.spans.filter((span) => span.name === `process ${queue.name}`).length >= 3
                ? worker.spans
                : undefined,
            { message: "the worker's spans", timeout: 20_000 },
          );
          const sendOf = (job: Job): SpanSummary =>
            sdk
              .named(`send ${queue.name}`)
              .map(summarize)
              .find((span) => span.attributes["messaging.message.id"] === job.id)!;
          const triesOf = (job: Job): SpanSummary[] =>
            childSpans
              .filter((span) => span.name === `process ${queue.name}`)
              .filter((span) => span.attributes["messaging.message.id"] === job.id)
              .sort(
                (a, b) =>
                  Number(a.attributes["warren.job.attempt"]) - Number(b.attributes["warren.job.attempt"]),
              );

          for (const job of [ok, flaky]) {
            const send = sendOf(job);
            expect(send).toMatchObject({
              kind: SpanKind.PRODUCER,
              attributes: {
                "messaging.system": target.system,
                "messaging.destination.name": queue.name,
                "messaging.operation.type": "send",
                "messaging.message.id": job.id,
                "warren.job.name": job.name,
              },
            });
            const tries = triesOf(job);
            expect(tries).toHaveLength(job === ok ? 1 : 2);
            for (const [index, attempt] of tries.entries()) {
              expect(attempt).toMatchObject({
                kind: SpanKind.CONSUMER,
                traceId: send.traceId,
                parentSpanId: send.spanId,
                attributes: {
                  "messaging.system": target.system,
                  "messaging.destination.name": queue.name,
                  "messaging.operation.type": "process",
                  "messaging.operation.name": "process",
                  "messaging.message.id": job.id,
                  "warren.job.name": job.name,
                  "warren.job.attempt": index + 1,
                },
              });
              // The processor's own span nests inside the try.
              expect(childSpans.filter((span) => span.parentSpanId === attempt.spanId)).toEqual([
                expect.objectContaining({ name: `render ${job.name}`, traceId: send.traceId }),
              ]);
            }
          }
          expect(triesOf(ok)[0]).toMatchObject({ status: { code: SpanStatusCode.UNSET }, exceptions: 0 });
          const [failedTry, retry] = triesOf(flaky);
          expect(failedTry).toMatchObject({
            status: { code: SpanStatusCode.ERROR, message: "the first try of flaky fails" },
            attributes: { "error.type": "TypeError" },
            exceptions: 1,
          });
          expect(retry).toMatchObject({ status: { code: SpanStatusCode.UNSET }, exceptions: 0 });
        } finally {
          await worker.close();
        }
      });
    });
  }
});
