// collectMetrics: Warren's Prometheus metrics for a whole backend. Counters and histograms follow the event
// stream (every worker's jobs, wherever they run); gauges are read from the backend at scrape time.
import type { Registry } from "prom-client";
import type { Backend } from "../backend/contract.js";
import type { Unsubscribe } from "../backend/records.js";
import { assertQueuePattern } from "../core/topic-pattern.js";
import { ConflictError, ValidationError } from "../errors/warren-error.js";
import { assertBackend } from "../queue/queue-options.js";
import { EventRecorder } from "./event-recorder.js";
import { METRIC_NAMES } from "./metric-names.js";
import { loadPromClient } from "./prom-client-loader.js";
import { ScrapeGauges } from "./scrape-gauges.js";

/** Options of {@link collectMetrics}. */
export interface CollectMetricsOptions {
  /** The backend whose queues to measure. */
  backend: Backend;
  /** Where the metrics are registered. @defaultValue prom-client's global registry */
  registry?: Registry;
  /** Queue names or topic patterns to measure. @defaultValue every queue (`["#"]`) */
  queues?: string[];
}

/** A running collection; close it to stop listening and unregister its metrics. */
export interface WarrenMetrics {
  /** The registry the metrics are in: serve `await registry.metrics()` as `/metrics`. */
  readonly registry: Registry;
  /** Resolves once events are followed: every transition after it is counted. */
  waitUntilReady(): Promise<void>;
  /** Stops following events and removes Warren's metrics from the registry. Idempotent. */
  close(): Promise<void>;
}

/**
 * Registers Warren's metrics for `backend`. Run it in one process per backend (an exporter such as
 * `warren metrics`, or one of your services): each collection counts every job, so two would count twice.
 * @example
 * const metrics = collectMetrics({ backend });
 * http.createServer(async (_req, res) => res.end(await metrics.registry.metrics())).listen(9464);
 */
export function collectMetrics(options: CollectMetricsOptions): WarrenMetrics {
  assertBackend(options, "collectMetrics");
  const prom = loadPromClient();
  const registry = options.registry ?? prom.register;
  if (typeof registry?.registerMetric !== "function" || typeof registry.metrics !== "function") {
    throw new ValidationError("INVALID_OPTION", "collectMetrics' registry must be a prom-client Registry");
  }
  const queues = options.queues ?? ["#"];
  if (!Array.isArray(queues) || queues.length === 0) {
    throw new ValidationError(
      "INVALID_OPTION",
      'collectMetrics\' queues must be a non-empty array, e.g. ["#"]',
    );
  }
  queues.forEach((queue) => assertQueuePattern(queue));
  const taken = METRIC_NAMES.filter((name) => registry.getSingleMetric(name) !== undefined);
  if (taken.length > 0) {
    throw new ConflictError(
      "CONFLICT",
      `the registry already has Warren's metrics (${taken[0]}): close the earlier collectMetrics, or pass ` +
        "another registry",
    );
  }
  return new MetricsCollection(options.backend, registry, queues, prom);
}

class MetricsCollection implements WarrenMetrics {
  private readonly subscriptions: Promise<Unsubscribe[]>;
  private closed = false;

  constructor(
    backend: Backend,
    readonly registry: Registry,
    queues: readonly string[],
    prom: ReturnType<typeof loadPromClient>,
  ) {
    const recorder = new EventRecorder(prom, registry);
    new ScrapeGauges(prom, registry, backend, queues, (queue) => recorder.know(queue));
    const listener = (event: Parameters<EventRecorder["record"]>[0]): void => {
      if (!this.closed) recorder.record(event);
    };
    this.subscriptions = Promise.all(queues.map((queue) => backend.subscribe(queue, listener)));
    // A failed subscription surfaces through waitUntilReady; it must not be an unhandled rejection meanwhile.
    this.subscriptions.catch(() => undefined);
  }

  async waitUntilReady(): Promise<void> {
    await this.subscriptions;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const name of METRIC_NAMES) this.registry.removeSingleMetric(name);
    const unsubscribes = await this.subscriptions.catch(() => [] as Unsubscribe[]);
    await Promise.all(unsubscribes.map((unsubscribe) => unsubscribe()));
  }
}
