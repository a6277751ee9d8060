// The gauges, read from the backend when Prometheus scrapes: queue depth by state, the longest wait, the pause
// flag, and the registry's workers per queue. However many gauges and queues, a scrape costs one snapshotQueues
// call (plus listQueues when the queues are patterns, and listWorkers): every gauge's collect shares it.
import type { Gauge, Registry } from "prom-client";
import type { Backend } from "../backend/contract.js";
import type { QueueSnapshot, WorkerInfo } from "../backend/records.js";
import { isTopicPattern, matchesTopic } from "../core/topic-pattern.js";
import { JOB_STATES } from "../model/job-state.js";
import { SCRAPE_METRICS } from "./metric-names.js";
import type { PromClientModule } from "./prom-client-loader.js";

/** What one scrape read. */
interface ScrapeRead {
  snapshots: QueueSnapshot[];
  workers: WorkerInfo[];
  now: number;
}

/** The scrape-time gauges of one collectMetrics call. */
export class ScrapeGauges {
  private inFlight: Promise<ScrapeRead> | undefined;

  constructor(
    prom: PromClientModule,
    registry: Registry,
    private readonly backend: Backend,
    private readonly queues: readonly string[],
    private readonly onQueue: (queue: string) => void,
  ) {
    const gauge = <L extends string>(
      spec: { name: string; help: string },
      labels: L[],
      fill: (gauge: Gauge<L>, read: ScrapeRead) => void,
    ): void => {
      const read = (): Promise<ScrapeRead> => this.read();
      new prom.Gauge<L>({
        ...spec,
        labelNames: labels,
        registers: [registry],
        async collect() {
          const scraped = await read();
          // Series of queues and workers that went away must not linger at their last value.
          this.reset();
          fill(this, scraped);
        },
      });
    };
    gauge(SCRAPE_METRICS.queueJobs, ["queue", "state"], (g, { snapshots }) => {
      for (const snapshot of snapshots) {
        for (const state of JOB_STATES) g.set({ queue: snapshot.queue, state }, snapshot.counts[state]);
      }
    });
    gauge(SCRAPE_METRICS.oldestWaiting, ["queue"], (g, { snapshots, now }) => {
      for (const { queue, oldestWaitingSince } of snapshots) {
        const waited = oldestWaitingSince === undefined ? 0 : Math.max(0, now - oldestWaitingSince);
        g.set({ queue }, waited / 1000);
      }
    });
    gauge(SCRAPE_METRICS.paused, ["queue"], (g, { snapshots }) => {
      for (const { queue, paused } of snapshots) g.set({ queue }, paused ? 1 : 0);
    });
    gauge(SCRAPE_METRICS.workers, ["queue"], (g, read) => this.fillWorkers(g, read, () => 1));
    gauge(SCRAPE_METRICS.workerActive, ["queue"], (g, read) => this.fillWorkers(g, read, (w) => w.active));
    gauge(SCRAPE_METRICS.workerConcurrency, ["queue"], (g, read) =>
      this.fillWorkers(g, read, (w) => w.concurrency),
    );
    gauge(SCRAPE_METRICS.workerLastFetch, ["queue"], (g, { workers }) => {
      const latest = new Map<string, number>();
      for (const worker of workers) {
        if (worker.lastFetchAt === undefined) continue;
        for (const queue of worker.queues) {
          latest.set(queue, Math.max(latest.get(queue) ?? 0, worker.lastFetchAt));
        }
      }
      for (const [queue, at] of latest) g.set({ queue }, at / 1000);
    });
  }

  /** Sums `value` over the workers of each queue (name or pattern) they consume; queues without any read 0. */
  private fillWorkers(
    g: Gauge<"queue">,
    { snapshots, workers }: ScrapeRead,
    value: (w: WorkerInfo) => number,
  ): void {
    for (const { queue } of snapshots) g.set({ queue }, 0);
    for (const worker of workers) {
      for (const queue of worker.queues) g.inc({ queue }, value(worker));
    }
  }

  /** The read of the scrape in progress: every gauge's collect is called in the same turn and shares it. */
  private read(): Promise<ScrapeRead> {
    if (this.inFlight) return this.inFlight;
    const read = this.readBackend();
    this.inFlight = read;
    const clear = (): void => {
      if (this.inFlight === read) this.inFlight = undefined;
    };
    read.then(clear, clear);
    return read;
  }

  private async readBackend(): Promise<ScrapeRead> {
    const [queues, workers] = await Promise.all([this.queueNames(), this.backend.listWorkers()]);
    const snapshots = await this.backend.snapshotQueues(queues);
    for (const queue of queues) this.onQueue(queue);
    return { snapshots, workers, now: this.backend.clock.now() };
  }

  /** The queues to read: the names given, and every known queue matching a pattern given. */
  private async queueNames(): Promise<string[]> {
    const names = this.queues.filter((queue) => !isTopicPattern(queue));
    const patterns = this.queues.filter(isTopicPattern);
    if (patterns.length === 0) return names;
    const known = await this.backend.listQueues();
    const matched = known.filter((queue) => patterns.some((pattern) => matchesTopic(pattern, queue)));
    return [...new Set([...names, ...matched])].sort();
  }
}
