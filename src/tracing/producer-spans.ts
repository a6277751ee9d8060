// The producer side: a span for each job added, whose context is written into the job's record so that the
// spans of every try, in whatever process runs it, join the producer's trace.
import type { Context, Link, Span, SpanContext } from "@opentelemetry/api";
import {
  jobAttributes,
  MESSAGING,
  recordFailure,
  TRACER_NAME,
  type TracedJob,
} from "./messaging-attributes.js";
import type { OtelApi } from "./otel-api.js";

/**
 * Runs `send` (which stores `job`) inside a `send <queue>` PRODUCER span, after writing the span's context into
 * `job.trace`. The span ends when `send` settles, failed if it rejects.
 */
export async function traceSend<T>(
  api: OtelApi,
  system: string,
  job: TracedJob,
  send: () => Promise<T>,
): Promise<T> {
  const span = api.trace.getTracer(TRACER_NAME).startSpan(`send ${job.queue}`, {
    kind: api.SpanKind.PRODUCER,
    attributes: jobAttributes(system, "send", job),
  });
  const context = api.trace.setSpan(api.context.active(), span);
  writeTrace(api, context, job);
  return endWith(api, span, () => api.context.with(context, send));
}

/**
 * Runs `send` (which stores `jobs` in one operation: addBulk, a flow) as the messaging conventions trace a batch
 * publish: each job gets its own `create <queue>` PRODUCER span, whose context goes into its record, and one
 * `send` CLIENT span around the store links them all, with `messaging.batch.message_count`. `linkedTo(i)`, when
 * given, names a later job whose create span job i's links too (a flow child links its parent, which follows
 * its children in the batch).
 */
export async function traceBatchSend<T>(
  api: OtelApi,
  system: string,
  jobs: readonly TracedJob[],
  send: () => Promise<T>,
  linkedTo?: (index: number) => number | undefined,
): Promise<T> {
  const tracer = api.trace.getTracer(TRACER_NAME);
  const active = api.context.active();
  const created: SpanContext[] = new Array<SpanContext>(jobs.length);
  // Backwards, so that a job's linked (later) job already has its span.
  for (let index = jobs.length - 1; index >= 0; index--) {
    const job = jobs[index]!;
    const target = linkedTo?.(index);
    const linked = target === undefined ? undefined : created[target];
    const span = tracer.startSpan(
      `create ${job.queue}`,
      {
        kind: api.SpanKind.PRODUCER,
        attributes: jobAttributes(system, "create", job),
        ...(linked === undefined ? {} : { links: [{ context: linked }] }),
      },
      active,
    );
    writeTrace(api, api.trace.setSpan(active, span), job);
    created[index] = span.spanContext();
    span.end();
  }
  const queue = sharedQueue(jobs);
  const span = tracer.startSpan(
    queue === undefined ? "send" : `send ${queue}`,
    {
      kind: api.SpanKind.CLIENT,
      attributes: {
        [MESSAGING.system]: system,
        [MESSAGING.operationType]: "send",
        [MESSAGING.operationName]: "send",
        [MESSAGING.batchCount]: jobs.length,
        ...(queue === undefined ? {} : { [MESSAGING.destination]: queue }),
      },
      links: created.map((context): Link => ({ context })),
    },
    active,
  );
  const context = api.trace.setSpan(active, span);
  return endWith(api, span, () => api.context.with(context, send));
}

/** Writes the context's W3C fields into `job.trace` through the application's propagator. */
function writeTrace(api: OtelApi, context: Context, job: TracedJob): void {
  const carrier: Record<string, string | undefined> = {};
  api.propagation.inject(context, carrier);
  const { traceparent, tracestate } = carrier;
  if (traceparent === undefined) return;
  job.trace = tracestate === undefined || tracestate === "" ? { traceparent } : { traceparent, tracestate };
}

/** The queue every job of the batch goes to, if they share one (a flow may span queues). */
function sharedQueue(jobs: readonly TracedJob[]): string | undefined {
  const first = jobs[0]?.queue;
  return jobs.every((job) => job.queue === first) ? first : undefined;
}

async function endWith<T>(api: OtelApi, span: Span, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    recordFailure(api, span, error);
    throw error;
  } finally {
    span.end();
  }
}
