// `npm run bench:observability`: what metrics and tracing cost. Process rate (as in `npm run bench`) with
// nothing on, then with collectMetrics in the worker's process and the OpenTelemetry SDK registered (a batch
// span processor feeding an exporter that drops everything), interleaved run by run so drift hits both alike.
//   npm run bench:observability -- [--jobs 10000] [--concurrency 100] [--runs 5] [--systems redis,amqp+redis]
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator, type ExportResult } from "@opentelemetry/core";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";
import { Registry } from "prom-client";
import { collectMetrics } from "../src/metrics/index.js";
import { jobAttributes } from "../src/tracing/messaging-attributes.js";
import { measureWarrenProcessRate, WARREN_SYSTEMS, type Instrument } from "./warren-systems.js";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "100" },
    runs: { type: "string", default: "5" },
    systems: { type: "string", default: "redis,amqp+redis" },
    out: { type: "string", default: "bench/OBSERVABILITY.md" },
    modes: { type: "string", default: "off,metrics,tracing,tracing-no-context,tracing-sampled-10%,on" },
  },
});
const JOBS = Number(values.jobs);
const CONCURRENCY = Number(values.concurrency);
const RUNS = Number(values.runs);
const SYSTEMS = values.systems.split(",").map((name) => name.trim());
for (const name of SYSTEMS) if (!WARREN_SYSTEMS[name]) throw new Error(`unknown system ${name}`);

/** An exporter that takes every span and keeps none: the SDK's own cost, without a collector's. */
class DroppingExporter implements SpanExporter {
  export(_spans: unknown[], done: (result: ExportResult) => void): void {
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

/** How many completions each "on" run's metrics counted: every one of the jobs, or the table says so. */
const counted: number[] = [];

/** collectMetrics on the run's backend; at the end a scrape, and a count of the completions it saw. */
const withMetrics: Instrument = async (backend) => {
  const metrics = collectMetrics({ backend, registry: new Registry() });
  await metrics.waitUntilReady();
  return async () => {
    // A scrape, as Prometheus would make, so the gauges' read is part of the cost; and a check that the
    // event stream kept up: the completions counted, once the last events have arrived.
    await metrics.registry.metrics();
    const completions = async (): Promise<number> => {
      const metric = (await metrics.registry.getMetricsAsJSON()).find(
        (m) => m.name === "warren_jobs_completed_total",
      );
      return metric?.values.reduce((sum, v) => sum + v.value, 0) ?? 0;
    };
    const deadline = performance.now() + 10_000;
    while ((await completions()) < JOBS && performance.now() < deadline) {
      await new Promise((done) => setTimeout(done, 100));
    }
    counted.push(await completions());
    await metrics.close();
  };
};

/**
 * A registered tracing SDK exporting to nowhere: with the AsyncLocalStorage context manager, as NodeSDK registers
 * it (spans follow awaits), or without one (spans nest only where passed explicitly), to show what it costs.
 */
function registerTracing(contextManager: boolean, ratio = 1): () => Promise<void> {
  const provider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(new DroppingExporter())],
    ...(ratio < 1 ? { sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }) } : {}),
  });
  if (contextManager) context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return async () => {
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  };
}

const tracing =
  (contextManager: boolean, ratio = 1): Instrument =>
  () =>
    Promise.resolve(registerTracing(contextManager, ratio));

const both: Instrument = async (backend) => {
  const offs = [await withMetrics(backend), await tracing(true)(backend)];
  return async () => {
    for (const off of offs) await off();
  };
};

const MODES = {
  off: undefined,
  metrics: withMetrics,
  tracing: tracing(true),
  "tracing-no-context": tracing(false),
  "tracing-sampled-10%": tracing(true, 0.1),
  on: both,
} as const;
type Mode = keyof typeof MODES;
const modes = values.modes.split(",").map((mode) => mode.trim()) as Mode[];
for (const mode of modes)
  if (!(mode in MODES)) throw new Error(`unknown mode ${mode}; choose ${Object.keys(MODES).join(", ")}`);

const rates = new Map<string, number[]>();
for (let run = 1; run <= RUNS; run++) {
  for (const name of SYSTEMS) {
    for (const mode of modes) {
      const rate = await measureWarrenProcessRate(
        WARREN_SYSTEMS[name]!,
        { jobs: JOBS, concurrency: CONCURRENCY },
        MODES[mode],
      );
      const key = `${name} ${mode}`;
      rates.set(key, [...(rates.get(key) ?? []), rate]);
      console.error(`run ${run}/${RUNS} ${key}: ${Math.round(rate)} jobs/s`);
    }
  }
}

/**
 * The SDK's own cost per traced try, with no queue around it: extract the producer's context, start a CONSUMER
 * span with the attributes Warren sets, run a function in its context, end it. The floor under `tracing`.
 */
async function sdkFloorMicros(): Promise<number> {
  const off = registerTracing(true);
  const carrier = { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" };
  const tracer = trace.getTracer("warren");
  const tryOnce = (i: number): void => {
    const parent = propagation.extract(ROOT_CONTEXT, carrier);
    const span = tracer.startSpan(
      "process q",
      {
        kind: SpanKind.CONSUMER,
        attributes: jobAttributes("redis", "process", { id: String(i), queue: "q", name: "noop" }, 1),
      },
      parent,
    );
    context.with(trace.setSpan(parent, span), () => i);
    span.end();
  };
  const samples: number[] = [];
  for (let round = 0; round < 5; round++) {
    const n = 100_000;
    const started = performance.now();
    for (let i = 0; i < n; i++) tryOnce(i);
    samples.push(((performance.now() - started) * 1000) / n);
    // Lets the batch processor's timer drain what it holds, as it would between bursts.
    await new Promise((done) => setTimeout(done, 20));
  }
  await off();
  return median(samples);
}

const median = (list: number[]): number => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");
const floor = await sdkFloorMicros();
const lines = [
  "# Observability cost",
  "",
  `Process rate (jobs/s, median of ${RUNS} interleaved runs; ${JOBS} jobs, no-op processor, concurrency ` +
    `${CONCURRENCY}): off; metrics (collectMetrics in the worker's process, one scrape at the end); tracing ` +
    `(the OpenTelemetry SDK registered as NodeSDK registers it: AsyncLocalStorage context manager, W3C ` +
    `propagator, batch span processor, an exporter that drops every span); tracing-no-context (the same without ` +
    `the context manager); tracing-sampled-10% (as tracing, sampling one trace in ten at the producer); on ` +
    `(metrics and tracing). ` +
    `${cpus().length} cores, ` +
    `Node ${process.version}. Command: \`npm run bench:observability -- --jobs ${JOBS} --runs ${RUNS}\`.`,
  "",
  `| system | ${modes.join(" | ")} | ${modes
    .filter((m) => m !== "off")
    .map((m) => `${m} / off`)
    .join(" | ")} |`,
  `| --- |${" ---: |".repeat(modes.length * 2 - 1)}`,
];
for (const name of SYSTEMS) {
  const rate = (mode: Mode): number => median(rates.get(`${name} ${mode}`)!);
  const ratios = modes.filter((m) => m !== "off").map((m) => (rate(m) / rate("off")).toFixed(2));
  lines.push(`| ${name} | ${modes.map((m) => fmt(rate(m))).join(" | ")} | ${ratios.join(" | ")} |`);
}
lines.push(
  "",
  `The SDK alone, per traced try (extract, start a span with Warren's attributes, run in its context, end; no ` +
    `queue): ${floor.toFixed(2)} µs, median of 5 rounds of 100,000. Against ${fmt(median(rates.get(`${SYSTEMS[0]} off`) ?? [1]))} ` +
    `jobs/s (${SYSTEMS[0]}, off), that floor alone is ${((floor * median(rates.get(`${SYSTEMS[0]} off`) ?? [0])) / 1e4).toFixed(1)}% of a job's time.`,
  "",
  `Completions the metrics counted per run with metrics on: ${counted.map(fmt).join(", ")} (of ${fmt(JOBS)} each).`,
);
const text = `${lines.join("\n")}\n`;
writeFileSync(values.out, text);
console.log(text);
