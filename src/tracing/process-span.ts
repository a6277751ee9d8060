// The consumer side: a `process <queue>` CONSUMER span around each try of a job, a child of the context its
// producer wrote into the record. The processor runs inside the span's context, so the spans it makes nest.
import {
  jobAttributes,
  MESSAGING,
  recordFailure,
  TRACER_NAME,
  type TracedJob,
} from "./messaging-attributes.js";
import type { OtelApi } from "./otel-api.js";

/** A job being tried: a JobRecord as fetched (attemptsMade already counts this try). */
export interface TriedJob extends TracedJob {
  readonly attemptsMade: number;
}

/**
 * Runs one try (`run`) inside a `process <queue>` span. `failureOf` says what a try's result means for the span:
 * an error marks it failed (status ERROR, the exception, `error.type`); undefined leaves it ok. A rejection of
 * `run` marks it failed too.
 */
export async function traceProcess<T>(
  api: OtelApi,
  system: string,
  job: TriedJob,
  run: () => Promise<T>,
  failureOf: (result: T) => Error | undefined,
): Promise<T> {
  // From the root, not the active context: a try belongs to its producer's trace, not to the fetch loop's.
  const parent =
    job.trace === undefined ? api.ROOT_CONTEXT : api.propagation.extract(api.ROOT_CONTEXT, job.trace);
  const span = api.trace.getTracer(TRACER_NAME).startSpan(
    `process ${job.queue}`,
    {
      kind: api.SpanKind.CONSUMER,
      attributes: { ...jobAttributes(system, "process", job), [MESSAGING.jobAttempt]: job.attemptsMade },
    },
    parent,
  );
  try {
    const result = await api.context.with(api.trace.setSpan(parent, span), run);
    const failure = failureOf(result);
    if (failure !== undefined) recordFailure(api, span, failure);
    return result;
  } catch (error) {
    recordFailure(api, span, error);
    throw error;
  } finally {
    span.end();
  }
}
