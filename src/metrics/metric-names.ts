// Every metric Warren exports, with its help text: the single list the collectors, the docs' dashboard and
// alert rules, and their tests read, so a renamed metric cannot leave a panel or a rule behind.

/** Histogram buckets in seconds, for jobs from a millisecond to ten minutes. */
export const DURATION_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
];

/** Counters and histograms, recorded from the backend's event stream. */
export const EVENT_METRICS = {
  added: { name: "warren_jobs_added_total", help: "Jobs added." },
  completed: { name: "warren_jobs_completed_total", help: "Jobs completed." },
  failed: {
    name: "warren_jobs_failed_total",
    help: 'Failed tries; final="true" for jobs that failed for good, "false" for tries that will be retried.',
  },
  retried: { name: "warren_jobs_retried_total", help: "Failed tries that will be retried." },
  stalled: { name: "warren_jobs_stalled_total", help: "Tries whose worker stopped renewing the lease." },
  deadLettered: {
    name: "warren_jobs_dead_lettered_total",
    help: "Jobs that ended failed for good or expired: the queue's dead letters.",
  },
  wait: {
    name: "warren_job_wait_seconds",
    help: "Time from a job becoming ready to a worker starting it.",
  },
  run: { name: "warren_job_run_seconds", help: "Time a try ran, from start to completion or failure." },
} as const;

/** Gauges, read from the backend on each scrape. */
export const SCRAPE_METRICS = {
  queueJobs: { name: "warren_queue_jobs", help: "Jobs in the queue, by state." },
  oldestWaiting: {
    name: "warren_queue_oldest_waiting_seconds",
    help: "How long the longest-waiting ready job has waited (0 when none waits).",
  },
  paused: { name: "warren_queue_paused", help: "1 when the queue is paused." },
  workers: { name: "warren_workers_online", help: "Workers registered for the queue (a name or pattern)." },
  workerActive: { name: "warren_worker_active_jobs", help: "Jobs in hand across the queue's workers." },
  workerConcurrency: {
    name: "warren_worker_concurrency",
    help: "Jobs the queue's workers can run at once, summed.",
  },
  workerLastFetch: {
    name: "warren_worker_last_fetch_timestamp_seconds",
    help: "The latest fetch any of the queue's workers completed, in seconds since the epoch.",
  },
} as const;

/** Every metric name, for checks of dashboards and rules. */
export const METRIC_NAMES: readonly string[] = [
  ...Object.values(EVENT_METRICS).map((metric) => metric.name),
  ...Object.values(SCRAPE_METRICS).map((metric) => metric.name),
];
