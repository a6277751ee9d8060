// The trace context a job carries from the producer that added it to every process that runs it: the W3C Trace
// Context fields, stored with the job record (and sent as AMQP message headers), so one trace spans processes,
// backends and programs in other languages.

/** A producer's W3C trace context, spelled as the `traceparent` and `tracestate` headers spell it. */
export interface TraceContext {
  /** `<version>-<trace id>-<parent span id>-<flags>`, e.g. `00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01`. */
  traceparent: string;
  /** Vendor entries (`congo=t61rcWkgMzE,rojo=00f067aa0ba902b7`), when the producer's context had any. */
  tracestate?: string | undefined;
}

/** Version, trace id, parent id and flags as hex; a later version may append fields (W3C Trace Context §3.2). */
const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}(?:-[\x21-\x7e]*)?$/;
/** A traceparent this long is no traceparent: refuse it rather than store a foreign producer's junk. */
const MAX_TRACEPARENT_LENGTH = 256;
/** W3C allows 32 entries of up to 256 + 256 characters; past that a value is junk, not vendor state. */
const MAX_TRACESTATE_LENGTH = 16_448;

/**
 * The trace context a foreign message's `traceparent` and `tracestate` headers carry, or undefined when it has
 * none that parses. Header values may arrive as strings or bytes. A bad tracestate is dropped, the traceparent
 * kept: it alone continues the trace.
 */
export function traceContextFrom(traceparent: unknown, tracestate: unknown): TraceContext | undefined {
  const parent = headerText(traceparent)?.trim().toLowerCase();
  if (parent === undefined || parent.length > MAX_TRACEPARENT_LENGTH || !TRACEPARENT.test(parent)) {
    return undefined;
  }
  const state = headerText(tracestate)?.trim();
  return state === undefined || state === "" || state.length > MAX_TRACESTATE_LENGTH
    ? { traceparent: parent }
    : { traceparent: parent, tracestate: state };
}

/** The headers that carry `trace` on a message (none when there is no trace). */
export function traceHeaders(trace: TraceContext | undefined): Record<string, string> {
  if (trace === undefined) return {};
  return trace.tracestate === undefined
    ? { traceparent: trace.traceparent }
    : { traceparent: trace.traceparent, tracestate: trace.tracestate };
}

function headerText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  return undefined;
}
