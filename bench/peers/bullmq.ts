// BullMQ's process rate, measured the way bench/process-rate.ts measures Warren's: add every job first
// (Queue.addBulk, 1000 a call), then start one Worker with concurrency C and a no-op processor, and time
// from worker start to the last 'completed' event. Jobs carry removeOnComplete: true, so BullMQ, like
// Warren's benchmark queues, keeps no completed-job records around (its fastest, and the fair, setting).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { Queue, Worker } from "bullmq";
import { addCount, timeAdds, type AddMode } from "../add-modes.js";
import { LatencyRecorder, paceAdds } from "../latency.js";

export interface ProcessRateOptions {
  jobs: number;
  concurrency: number;
}

const REDIS = new URL(process.env["WARREN_BENCH_REDIS_URL"] ?? "redis://127.0.0.1:6379/0");

/** BullMQ's connection options for the bench's Redis. */
function redisConnection() {
  return {
    host: REDIS.hostname,
    port: Number(REDIS.port || 6379),
    db: Number(REDIS.pathname.slice(1) || 0),
    maxRetriesPerRequest: null,
  };
}

export async function measureProcessRate({ jobs, concurrency }: ProcessRateOptions): Promise<number> {
  const connection = redisConnection();
  const name = `bench-${randomBytes(3).toString("hex")}`;
  const queue = new Queue(name, { connection, defaultJobOptions: { removeOnComplete: true } });
  for (let added = 0; added < jobs; added += 1000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1000, jobs - added) }, () => ({ name: "noop", data: {} })),
    );
  }
  let done = 0;
  let finished!: () => void;
  const allDone = new Promise<void>((resolve) => (finished = resolve));
  const started = performance.now();
  const worker = new Worker(name, () => Promise.resolve(), { connection, concurrency });
  worker.on("completed", () => {
    if (++done === jobs) finished();
  });
  await allDone;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return jobs / seconds;
}

/** Adds jobs in `mode` (see bench/add-modes.ts); jobs per second. */
export async function measureAddRate(mode: AddMode, jobs: number): Promise<number> {
  const connection = redisConnection();
  const queue = new Queue(`bench-${randomBytes(3).toString("hex")}`, { connection });
  await queue.add("warm", {});
  const rate = await timeAdds(
    mode,
    addCount(mode, jobs),
    () => queue.add("noop", {}),
    (n) => queue.addBulk(Array.from({ length: n }, () => ({ name: "noop", data: {} }))),
  );
  await queue.obliterate({ force: true });
  await queue.close();
  return rate;
}

/** Add→start latency at a fixed rate, measured as bench/latency.ts describes; p50 and p99 in ms. */
export async function measureLatency(rate: number, seconds: number): Promise<{ p50: number; p99: number }> {
  const connection = redisConnection();
  const name = `bench-${randomBytes(3).toString("hex")}`;
  const queue = new Queue(name, { connection, defaultJobOptions: { removeOnComplete: true } });
  await queue.add("warm", { t: 0 });
  const recorder = new LatencyRecorder(rate * seconds);
  const worker = new Worker(
    name,
    (job) => {
      const t = (job.data as { t: number }).t;
      if (t > 0) recorder.started(t);
      return Promise.resolve();
    },
    { connection, concurrency: 100 },
  );
  await worker.waitUntilReady();
  await paceAdds(rate, seconds, (t) => queue.add("timed", { t }));
  await recorder.allStarted;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return recorder.percentiles();
}

/** Peak RSS (bytes) of a BullMQ worker in its own process draining `jobs` no-op jobs at concurrency 100. */
export async function measureWorkerRss(jobs: number): Promise<number> {
  const name = `bench-${randomBytes(3).toString("hex")}`;
  const queue = new Queue(name, {
    connection: redisConnection(),
    defaultJobOptions: { removeOnComplete: true },
  });
  for (let added = 0; added < jobs; added += 1000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1000, jobs - added) }, () => ({ name: "noop", data: {} })),
    );
  }
  const child = spawn(
    process.execPath,
    [
      new URL("bullmq-worker-child.mjs", import.meta.url).pathname,
      REDIS.toString(),
      name,
      String(jobs),
      "100",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let rss: number | undefined;
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.startsWith("result ")) rss = (JSON.parse(line.slice(7)) as { maxRssBytes: number }).maxRssBytes;
  }
  await queue.obliterate({ force: true });
  await queue.close();
  if (rss === undefined) throw new Error("the BullMQ worker process ended without a result");
  return rss;
}
