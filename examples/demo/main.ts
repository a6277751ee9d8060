// `npm start`: producers and workers on the embedded backend (or WARREN_URL) processing a few thousand jobs
// with delays, retries, priorities and a few failures, with a live progress bar and a closing summary.
import { createBackend, Queue, QueueEvents, UnrecoverableError, Worker } from "../../src/index.js";
import { redactUrl } from "../../src/core/redact-url.js";
import { ProgressBar, renderBar } from "./progress-bar.js";
import { printTable } from "./summary.js";

interface ImageJob {
  imageId: number;
  /** The demo's own failure injection: flaky jobs fail their first try, broken ones fail for good. */
  behaviour: "ok" | "flaky" | "broken";
}

const TOTAL = Number(process.env["DEMO_JOBS"] ?? 5000);
const PRODUCERS = 4;
const WORKERS = 2;
const CONCURRENCY = 50;

const url = process.env["WARREN_URL"] ?? "memory://";
const backend = await createBackend(url);
const queueName = `demo-images-${Date.now()}`;
console.log(`Warren demo: ${TOTAL} jobs on ${redactUrl(url)} (${backend.kind}), queue "${queueName}"`);
console.log(`${PRODUCERS} producers, ${WORKERS} workers × concurrency ${CONCURRENCY}\n`);

const queue = new Queue<ImageJob, { thumbnail: string }>(queueName, { backend });
const events = new QueueEvents(queueName, { backend });
await events.waitUntilReady();

let completed = 0;
let failed = 0;
let retried = 0;
events.on("completed", () => (completed += 1));
events.on("failed", () => (failed += 1));
events.on("retrying", () => (retried += 1));

const workers = Array.from(
  { length: WORKERS },
  (_, index) =>
    new Worker<ImageJob, { thumbnail: string }>(
      queueName,
      async (job) => {
        if (job.data.behaviour === "broken")
          throw new UnrecoverableError(`image ${job.data.imageId} is corrupt`);
        if (job.data.behaviour === "flaky" && job.attemptsMade === 1) {
          throw new Error(`storage timeout for image ${job.data.imageId}`);
        }
        // Simulated I/O so concurrency matters.
        await new Promise((resolve) => setImmediate(resolve));
        return { thumbnail: `thumbs/${job.data.imageId}.webp` };
      },
      { backend, concurrency: CONCURRENCY, name: `demo-worker-${index}` },
    ),
);

function behaviourOf(imageId: number): ImageJob["behaviour"] {
  if (imageId % 997 === 0) return "broken";
  if (imageId % 50 === 0) return "flaky";
  return "ok";
}

const started = performance.now();
const bar = new ProgressBar();
const ticker = setInterval(() => {
  bar.draw(
    renderBar(completed + failed, TOTAL, `completed ${completed}  failed ${failed}  retried ${retried}`),
  );
}, 100);

// Producers add in batches: most jobs now, some delayed, thumbnails for VIP users first.
const perProducer = Math.ceil(TOTAL / PRODUCERS);
await Promise.all(
  Array.from({ length: PRODUCERS }, async (_, producer) => {
    const first = producer * perProducer;
    const last = Math.min(TOTAL, first + perProducer);
    for (let start = first; start < last; start += 250) {
      const batch = [];
      for (let imageId = start; imageId < Math.min(last, start + 250); imageId++) {
        batch.push({
          name: "thumbnail",
          data: { imageId, behaviour: behaviourOf(imageId) },
          opts: {
            priority: imageId % 10 === 0 ? 1 : 5,
            delay: imageId % 20 === 0 ? 200 : 0,
            attempts: 3,
            backoff: { type: "exponential", delay: 50 },
            removeOnComplete: 1000,
          },
        });
      }
      await queue.addBulk(batch);
    }
  }),
);

await new Promise<void>((resolve) => {
  const check = setInterval(() => {
    if (completed + failed >= TOTAL) {
      clearInterval(check);
      resolve();
    }
  }, 20);
});
const seconds = (performance.now() - started) / 1000;
clearInterval(ticker);
bar.draw(
  renderBar(completed + failed, TOTAL, `completed ${completed}  failed ${failed}  retried ${retried}`),
  true,
);

await Promise.all(workers.map((worker) => worker.close()));
await events.close();
await queue.obliterate({ force: true });
await backend.close();

printTable("Summary", [
  ["backend", backend.kind],
  ["jobs", TOTAL],
  ["completed", completed],
  ["failed (for good)", failed],
  ["retried tries", retried],
  ["wall time (s)", seconds.toFixed(2)],
  ["throughput (jobs/s)", Math.round(TOTAL / seconds)],
]);
