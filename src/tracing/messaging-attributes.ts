// The span attributes Warren sets, named as OpenTelemetry's messaging semantic conventions name them (plus two
// of Warren's own), and the small pieces every span shares.
import type { Attributes, Span } from "@opentelemetry/api";
import type { OtelApi } from "./otel-api.js";
import type { TraceContext } from "./trace-context.js";

/** Attribute keys. */
export const MESSAGING = {
  system: "messaging.system",
  destination: "messaging.destination.name",
  operationType: "messaging.operation.type",
  operationName: "messaging.operation.name",
  messageId: "messaging.message.id",
  batchCount: "messaging.batch.message_count",
  errorType: "error.type",
  jobName: "warren.job.name",
  jobAttempt: "warren.job.attempt",
} as const;

/** The name Warren's spans are reported under (the instrumentation scope). */
export const TRACER_NAME = "warren";

/** A job as a span describes it: a NewJobRecord or a JobRecord is one. */
export interface TracedJob {
  readonly id: string;
  readonly queue: string;
  readonly name: string;
  trace?: TraceContext | undefined;
}

/** The attributes of a span about one job's message, and of a try (`attempt`) when given. */
export function jobAttributes(
  system: string,
  operation: "create" | "send" | "process",
  job: TracedJob,
  attempt?: number,
): Attributes {
  const attributes: Attributes = {
    [MESSAGING.system]: system,
    [MESSAGING.destination]: job.queue,
    [MESSAGING.operationType]: operation,
    [MESSAGING.operationName]: operation,
    [MESSAGING.messageId]: job.id,
    [MESSAGING.jobName]: job.name,
  };
  if (attempt !== undefined) attributes[MESSAGING.jobAttempt] = attempt;
  return attributes;
}

/**
 * Marks `span` failed: status ERROR with the message, the exception recorded, and `error.type` set to the
 * error's code when it has one (`TIMEOUT`, `ECONNREFUSED`), else its class name (`TypeError`).
 */
export function recordFailure(api: OtelApi, span: Span, thrown: unknown): void {
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  span.recordException(error);
  span.setStatus({ code: api.SpanStatusCode.ERROR, message: error.message });
  span.setAttribute(MESSAGING.errorType, errorType(error));
}

/** A low-cardinality name for what went wrong: the error's code, else its name, else the conventions' `_OTHER`. */
export function errorType(error: Error): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && code !== "") return code;
  return error.name === "" ? "_OTHER" : error.name;
}
