// The spans Queue, FlowProducer and Worker make when the application registered an SDK (memory backend,
// in-process): names, kinds, attributes, parents and links, and error status on a failed try.
import { context, createTraceState, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  FlowProducer,
  MemoryBackend,
  Queue,
  UnrecoverableError,
  Worker,
  type Backend,
} from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { registerTestSdk, type TestSdk } from "../../helpers/otel-sdk.js";

let sdk: TestSdk;
let backend: Backend;
beforeAll(() => {
  sdk = registerTestSdk();
});
afterAll(async () => {
  await sdk.shutdown();
});
beforeEach(() => {
  sdk.reset();
  backend = new MemoryBackend();
  return async () => {
    await backend.close();
  };
});

/** The W3C traceparent of a span, as Warren writes it into a record. */
function traceparentOf(span: ReadableSpan): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, "0")}`;
}

async function spansNamed(name: string, count: number): Promise<ReadableSpan[]> {
  return waitFor(() => (sdk.named(name).length >= count ? sdk.named(name) : undefined), {
    message: `${count} "${name}" span(s)`,
  });
}

describe("spans of a traced application", () => {
  it("add makes a send PRODUCER span whose context the job carries, and its try a process CONSUMER child", async () => {
    const queue = new Queue("mail", { backend });
    const worker = new Worker(
      "mail",
      () => {
        // The processor runs in the try's context: a span it starts is the try's child.
        trace.getTracer("app").startSpan("render").end();
        return "sent";
      },
      { backend },
    );
    const job = await queue.add("welcome", { to: "ada" });
    expect(await job.waitUntilFinished({ timeout: 10_000 })).toBe("sent");
    const [send] = sdk.named("send mail");
    const [process] = await spansNamed("process mail", 1);
    const [render] = await spansNamed("render", 1);
    await worker.close();

    expect(send).toMatchObject({
      kind: SpanKind.PRODUCER,
      attributes: {
        "messaging.system": "warren",
        "messaging.destination.name": "mail",
        "messaging.operation.type": "send",
        "messaging.operation.name": "send",
        "messaging.message.id": job.id,
        "warren.job.name": "welcome",
      },
    });
    expect((await backend.getJob("mail", job.id))?.trace).toEqual({ traceparent: traceparentOf(send!) });
    expect(process).toMatchObject({
      kind: SpanKind.CONSUMER,
      status: { code: SpanStatusCode.UNSET },
      attributes: {
        "messaging.system": "warren",
        "messaging.destination.name": "mail",
        "messaging.operation.type": "process",
        "messaging.operation.name": "process",
        "messaging.message.id": job.id,
        "warren.job.name": "welcome",
        "warren.job.attempt": 1,
      },
    });
    expect(process!.spanContext().traceId).toBe(send!.spanContext().traceId);
    expect(process!.parentSpanContext?.spanId).toBe(send!.spanContext().spanId);
    expect(render!.parentSpanContext?.spanId).toBe(process!.spanContext().spanId);
  });

  it("the send span is a child of the caller's active span, and a failed try is an ERROR span per attempt", async () => {
    const queue = new Queue("flaky", { backend });
    const worker = new Worker(
      "flaky",
      (job) => {
        if (job.attemptsMade === 1) throw new TypeError("first try breaks");
        throw new UnrecoverableError("second try gives up");
      },
      { backend },
    );
    const request = trace.getTracer("app").startSpan("http request");
    const job = await context.with(trace.setSpan(context.active(), request), () =>
      queue.add("charge", {}, { attempts: 3, backoff: 0 }),
    );
    request.end();
    await expect(job.waitUntilFinished({ timeout: 10_000 })).rejects.toMatchObject({ state: "failed" });
    const tries = await spansNamed("process flaky", 2);
    await worker.close();

    const [send] = sdk.named("send flaky");
    expect(send!.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    const byAttempt = new Map(tries.map((span) => [span.attributes["warren.job.attempt"], span]));
    expect([...byAttempt.keys()].sort()).toEqual([1, 2]);
    expect(byAttempt.get(1)).toMatchObject({
      status: { code: SpanStatusCode.ERROR, message: "first try breaks" },
      attributes: { "error.type": "TypeError" },
    });
    expect(byAttempt.get(2)).toMatchObject({
      status: { code: SpanStatusCode.ERROR, message: "second try gives up" },
      attributes: { "error.type": "UNRECOVERABLE" },
    });
    for (const span of tries) {
      expect(span.parentSpanContext?.spanId).toBe(send!.spanContext().spanId);
      expect(span.events.filter((event) => event.name === "exception")).toHaveLength(1);
    }
  });

  it("the job carries its producer's tracestate too", async () => {
    const remote = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      spanId: "00f067aa0ba902b7",
      traceFlags: 1,
      isRemote: true,
      traceState: createTraceState("congo=t61rcWkgMzE"),
    });
    const job = await context.with(remote, () => new Queue("stateful", { backend }).add("x", {}));
    const [send] = sdk.named("send stateful");
    expect(send!.spanContext().traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect((await backend.getJob("stateful", job.id))?.trace).toEqual({
      traceparent: traceparentOf(send!),
      tracestate: "congo=t61rcWkgMzE",
    });
  });

  it("addBulk traces a batch: a create PRODUCER span per job, linked from one send CLIENT span", async () => {
    const queue = new Queue("bulk", { backend });
    const jobs = await queue.addBulk([
      { name: "a", data: 1 },
      { name: "b", data: 2 },
      { name: "c", data: 3 },
    ]);
    const creates = sdk.named("create bulk");
    const [send] = sdk.named("send bulk");
    expect(creates).toHaveLength(3);
    expect(send).toMatchObject({
      kind: SpanKind.CLIENT,
      attributes: {
        "messaging.system": "warren",
        "messaging.destination.name": "bulk",
        "messaging.operation.type": "send",
        "messaging.batch.message_count": 3,
      },
    });
    expect(send!.attributes).not.toHaveProperty("messaging.message.id");
    for (const job of jobs) {
      const create = creates.find((span) => span.attributes["messaging.message.id"] === job.id)!;
      expect(create).toMatchObject({
        kind: SpanKind.PRODUCER,
        attributes: { "messaging.operation.type": "create", "warren.job.name": job.name },
      });
      expect((await backend.getJob("bulk", job.id))?.trace?.traceparent).toBe(traceparentOf(create));
      expect(send!.links.map((link) => link.context.spanId)).toContain(create.spanContext().spanId);
    }
  });

  it("a flow's child spans link their parent job's span; the flow's send names no queue when it spans several", async () => {
    const flow = await new FlowProducer({ backend }).add({
      name: "render",
      queueName: "video",
      children: [
        { name: "transcode", queueName: "cpu", children: [{ name: "fetch", queueName: "io" }] },
        { name: "thumbnail", queueName: "cpu" },
      ],
    });
    const createOf = (id: string): ReadableSpan =>
      sdk.spans().find((span) => span.attributes["messaging.message.id"] === id)!;
    const root = createOf(flow.job.id);
    const transcode = createOf(flow.children![0]!.job.id);
    const fetch = createOf(flow.children![0]!.children![0]!.job.id);
    const thumbnail = createOf(flow.children![1]!.job.id);
    expect(root.links).toEqual([]);
    expect(transcode.links.map((link) => link.context.spanId)).toEqual([root.spanContext().spanId]);
    expect(thumbnail.links.map((link) => link.context.spanId)).toEqual([root.spanContext().spanId]);
    expect(fetch.links.map((link) => link.context.spanId)).toEqual([transcode.spanContext().spanId]);
    const [send] = sdk.named("send");
    expect(send).toMatchObject({ kind: SpanKind.CLIENT, attributes: { "messaging.batch.message_count": 4 } });
    expect(send!.attributes).not.toHaveProperty("messaging.destination.name");
  });

  it("an add the backend refuses ends its send span as an ERROR", async () => {
    const queue = new Queue("refused", { backend });
    await expect(queue.add("orphan", {}, { dependsOn: "refused:missing" })).rejects.toMatchObject({
      code: "INVALID_OPTION",
    });
    expect(sdk.named("send refused")).toEqual([
      expect.objectContaining({
        status: expect.objectContaining({ code: SpanStatusCode.ERROR }) as unknown,
        attributes: expect.objectContaining({ "error.type": "INVALID_OPTION" }) as unknown,
      }),
    ]);
  });
});
