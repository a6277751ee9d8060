// The tracing entry: OpenTelemetry spans for adds and tries, a no-op unless the application installs the API
// and registers an SDK; and the trace context a job record carries between them.
export { loadOtelApi, settledOtelApi, tracingWanted, type OtelApi } from "./otel-api.js";
export { readyOtelApi, withOtelInCallOrder } from "./in-call-order.js";
export { traceBatchSend, traceSend } from "./producer-spans.js";
export { traceProcess, type TriedJob } from "./process-span.js";
export { MESSAGING, TRACER_NAME, type TracedJob } from "./messaging-attributes.js";
export { traceContextFrom, traceHeaders, type TraceContext } from "./trace-context.js";
