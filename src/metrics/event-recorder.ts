// Counts transitions as the backend's event stream reports them, so a process that runs no worker (a metrics
// exporter, a dashboard) still counts every job of every worker. Labels are the queue (and `final`), never a
// job id: the series stay few however many jobs pass.
import type { Counter, Histogram, Registry } from "prom-client";
import type { QueueEventRecord } from "../backend/records.js";
import { DURATION_BUCKETS, EVENT_METRICS } from "./metric-names.js";
import type { PromClientModule } from "./prom-client-loader.js";

/** The counters and histograms of one collectMetrics call. */
export class EventRecorder {
  private readonly added: Counter<"queue">;
  private readonly completed: Counter<"queue">;
  private readonly failed: Counter<"queue" | "final">;
  private readonly retried: Counter<"queue">;
  private readonly stalled: Counter<"queue">;
  private readonly deadLettered: Counter<"queue">;
  private readonly wait: Histogram<"queue">;
  private readonly run: Histogram<"queue">;
  private readonly seen = new Set<string>();

  constructor(prom: PromClientModule, registry: Registry) {
    const counter = <L extends string>(spec: { name: string; help: string }, labels: L[]): Counter<L> =>
      new prom.Counter({ ...spec, labelNames: labels, registers: [registry] });
    const histogram = (spec: { name: string; help: string }): Histogram<"queue"> =>
      new prom.Histogram({
        ...spec,
        labelNames: ["queue"],
        buckets: DURATION_BUCKETS,
        registers: [registry],
      });
    this.added = counter(EVENT_METRICS.added, ["queue"]);
    this.completed = counter(EVENT_METRICS.completed, ["queue"]);
    this.failed = counter(EVENT_METRICS.failed, ["queue", "final"]);
    this.retried = counter(EVENT_METRICS.retried, ["queue"]);
    this.stalled = counter(EVENT_METRICS.stalled, ["queue"]);
    this.deadLettered = counter(EVENT_METRICS.deadLettered, ["queue"]);
    this.wait = histogram(EVENT_METRICS.wait);
    this.run = histogram(EVENT_METRICS.run);
  }

  /**
   * Gives a queue its series at zero, so `rate()` and alert rules see it before its first event. Called for
   * every queue a scrape reads.
   */
  know(queue: string): void {
    if (this.seen.has(queue)) return;
    this.seen.add(queue);
    const labels = { queue };
    for (const counter of [this.added, this.completed, this.retried, this.stalled, this.deadLettered]) {
      counter.inc(labels, 0);
    }
    this.failed.inc({ queue, final: "true" }, 0);
    this.failed.inc({ queue, final: "false" }, 0);
    this.wait.zero(labels);
    this.run.zero(labels);
  }

  /** Records one event. */
  record(event: QueueEventRecord): void {
    const labels = { queue: event.queue };
    switch (event.event) {
      case "added":
        this.know(event.queue);
        this.added.inc(labels);
        return;
      case "active":
        if (event.readyAt !== undefined) this.observe(this.wait, labels, event.timestamp - event.readyAt);
        return;
      case "completed":
        this.completed.inc(labels);
        this.observeRun(event);
        return;
      case "retrying":
        this.failed.inc({ queue: event.queue, final: "false" });
        this.retried.inc(labels);
        this.observeRun(event);
        return;
      case "failed":
        this.failed.inc({ queue: event.queue, final: "true" });
        this.deadLettered.inc(labels);
        this.observeRun(event);
        return;
      case "expired":
        this.deadLettered.inc(labels);
        return;
      case "stalled":
        this.stalled.inc(labels);
        return;
      default:
        return;
    }
  }

  private observeRun(event: QueueEventRecord): void {
    if (event.processedAt === undefined) return;
    this.observe(this.run, { queue: event.queue }, event.timestamp - event.processedAt);
  }

  private observe(histogram: Histogram<"queue">, labels: { queue: string }, ms: number): void {
    // Clocks of different machines can disagree by a little: a negative span is a zero one.
    histogram.observe(labels, Math.max(0, ms) / 1000);
  }
}
