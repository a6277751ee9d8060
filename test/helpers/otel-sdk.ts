// An OpenTelemetry SDK as an application registers one: a tracer provider exporting to memory, AsyncLocalStorage
// context and the W3C Trace Context propagator. For the tests that look at Warren's spans, in-process or in a
// child process.
import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";

/** The registered SDK: the spans ended so far, and a way to unregister it. */
export interface TestSdk {
  spans(): ReadableSpan[];
  /** Ended spans whose name is `name`. */
  named(name: string): ReadableSpan[];
  reset(): void;
  shutdown(): Promise<void>;
}

/** Registers the SDK globally, as `NodeSDK.start()` would; `onSpanEnd` hears each span as it ends. */
export function registerTestSdk(options: { onSpanEnd?: (span: ReadableSpan) => void } = {}): TestSdk {
  const exporter = new InMemorySpanExporter();
  const processors: SpanProcessor[] = [new SimpleSpanProcessor(exporter)];
  const { onSpanEnd } = options;
  if (onSpanEnd) {
    processors.push({
      onStart: () => undefined,
      onEnd: onSpanEnd,
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    });
  }
  const provider = new BasicTracerProvider({ spanProcessors: processors });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return {
    spans: () => exporter.getFinishedSpans(),
    named: (name) => exporter.getFinishedSpans().filter((span) => span.name === name),
    reset: () => exporter.reset(),
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/** A span as plain JSON, to send across processes and compare. */
export interface SpanSummary {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  links: Array<{ traceId: string; spanId: string }>;
  attributes: Record<string, unknown>;
  status: { code: number; message?: string | undefined };
  exceptions: number;
}

export function summarize(span: ReadableSpan): SpanSummary {
  return {
    name: span.name,
    kind: span.kind,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    links: span.links.map((link) => ({ traceId: link.context.traceId, spanId: link.context.spanId })),
    attributes: { ...span.attributes },
    status: { code: span.status.code, message: span.status.message },
    exceptions: span.events.filter((event) => event.name === "exception").length,
  };
}
