// Throughput, failure rate and wait/run times per queue per minute over the last hour, counted from the
// event stream the dashboard already follows: charts cost no backend reads. Figures start when the dashboard does.
import type { QueueEventRecord } from "../backend/records.js";

const MINUTE_MS = 60_000;
/** Minutes kept: the charts show the last hour. */
export const WINDOW_MINUTES = 60;
/** Samples kept per queue per minute for percentiles: enough for p95, bounded under any load. */
const MAX_SAMPLES = 2000;

interface MinuteBucket {
  minute: number;
  completed: number;
  failed: number;
  waits: number[];
  runs: number[];
}

/** One minute of one queue (or of all queues), as the charts draw it. */
export interface MinuteFigures {
  /** Start of the minute, ms since epoch. */
  at: number;
  completed: number;
  failed: number;
  waitP50: number | null;
  waitP95: number | null;
  runP50: number | null;
  runP95: number | null;
}

function percentile(sorted: number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? null;
}

function push(samples: number[], value: number): void {
  if (samples.length < MAX_SAMPLES) samples.push(value);
  // Past the cap, replace at random so the kept samples stay representative of the whole minute.
  else samples[Math.floor(Math.random() * MAX_SAMPLES)] = value;
}

/** Per-minute figures of every queue seen in the event stream. */
export class LiveStats {
  private readonly byQueue = new Map<string, MinuteBucket[]>();

  /** Counts one event. */
  record(event: QueueEventRecord): void {
    const isEnd = event.event === "completed" || event.event === "failed" || event.event === "retrying";
    if (!isEnd && event.event !== "active") return;
    const bucket = this.bucket(event.queue, event.timestamp);
    if (event.event === "active" && event.readyAt !== undefined) {
      push(bucket.waits, Math.max(0, event.timestamp - event.readyAt));
      return;
    }
    if (event.event === "completed") bucket.completed += 1;
    else if (event.event === "failed" || event.event === "retrying") bucket.failed += 1;
    if (event.processedAt !== undefined) push(bucket.runs, Math.max(0, event.timestamp - event.processedAt));
  }

  /** The last hour, one entry per minute (oldest first), of `queue` or of every queue when undefined. */
  figures(now: number, queue?: string): MinuteFigures[] {
    const current = Math.floor(now / MINUTE_MS);
    const sources = queue === undefined ? [...this.byQueue.values()] : [this.byQueue.get(queue) ?? []];
    const out: MinuteFigures[] = [];
    for (let minute = current - WINDOW_MINUTES + 1; minute <= current; minute++) {
      let completed = 0;
      let failed = 0;
      const waits: number[] = [];
      const runs: number[] = [];
      for (const buckets of sources) {
        const bucket = buckets.find((entry) => entry.minute === minute);
        if (!bucket) continue;
        completed += bucket.completed;
        failed += bucket.failed;
        waits.push(...bucket.waits);
        runs.push(...bucket.runs);
      }
      waits.sort((a, b) => a - b);
      runs.sort((a, b) => a - b);
      out.push({
        at: minute * MINUTE_MS,
        completed,
        failed,
        waitP50: percentile(waits, 0.5),
        waitP95: percentile(waits, 0.95),
        runP50: percentile(runs, 0.5),
        runP95: percentile(runs, 0.95),
      });
    }
    return out;
  }

  private bucket(queue: string, timestamp: number): MinuteBucket {
    const minute = Math.floor(timestamp / MINUTE_MS);
    let buckets = this.byQueue.get(queue);
    if (!buckets) {
      buckets = [];
      this.byQueue.set(queue, buckets);
    }
    let bucket = buckets.find((entry) => entry.minute === minute);
    if (!bucket) {
      bucket = { minute, completed: 0, failed: 0, waits: [], runs: [] };
      buckets.push(bucket);
      while (buckets.length > 0 && buckets[0]!.minute <= minute - WINDOW_MINUTES) buckets.shift();
    }
    return bucket;
  }
}
