// The consumer side: a `process <queue>` CONSUMER span around each try of a job, a child of the context its
// producer wrote into the record. The processor runs inside the span's context, so the spans it makes nest.
import { jobAttributes, recordFailure, TRACER_NAME, type TracedJob } from "./messaging-attributes.js";
import type { OtelApi } from "./otel-api.js";

/** A job being tried: a JobRecord as fetched (attemptsMade already counts this try). */
export interface TriedJob extends TracedJob {
  readonly attemptsMade: number;
}

/**
 * Runs one try (`run`) inside a `process <queue>` span. `failureOf` says what a try's result means for the span:
 * an error marks it failed (status ERROR, the exception, `error.type`); undefined leaves it ok. A throw or a
 * rejection of `run` marks it failed too. A synchronous result is traced synchronously and a promise gets one
 * more promise, no async wrapper: with a context manager every promise costs its hooks.
 */
export function traceProcess<T>(
  api: OtelApi,
  system: string,
  job: TriedJob,
  run: () => T | Promise<T>,
  failureOf: (result: T) => Error | undefined,
): T | Promise<T> {
  // From the root, not the active context: a try belongs to its producer's trace, not to the fetch loop's.
  const parent =
    job.trace === undefined ? api.ROOT_CONTEXT : api.propagation.extract(api.ROOT_CONTEXT, job.trace);
  const span = api.trace.getTracer(TRACER_NAME).startSpan(
    `process ${job.queue}`,
    {
      kind: api.SpanKind.CONSUMER,
      attributes: jobAttributes(system, "process", job, job.attemptsMade),
    },
    parent,
  );
  const ended = (result: T): T => {
    const failure = failureOf(result);
    if (failure !== undefined) recordFailure(api, span, failure);
    span.end();
    return result;
  };
  const failed = (error: unknown): never => {
    recordFailure(api, span, error);
    span.end();
    throw error;
  };
  let result: T | Promise<T>;
  try {
    result = api.context.with(api.trace.setSpan(parent, span), run);
  } catch (error) {
    return failed(error);
  }
  return result instanceof Promise ? result.then(ended, failed) : ended(result);
}
