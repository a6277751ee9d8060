// The metrics kit (`warren/metrics`): Prometheus metrics for a whole backend, through prom-client.
export { collectMetrics, type CollectMetricsOptions, type WarrenMetrics } from "./collect-metrics.js";
export { DURATION_BUCKETS, METRIC_NAMES } from "./metric-names.js";
