// A Warren worker in its own process, so its memory is measured alone (RSS and soak metrics). Plain
// JavaScript over the build in dist/, so no TypeScript loader sits in the figure (`npm run bench` builds).
//   node bench/worker-child.mjs <backend url> <queue> <jobs> <concurrency> [--add-here]
// Drains `jobs` jobs with a no-op processor. Prints `done <n>` every second, `rss <ms> <bytes>` every 10 s,
// and finally `result {"maxRssBytes", "seconds"}`. With --add-here (the memory backend, which no other
// process can reach) it adds the jobs itself first.
import { createBackend, Queue, Worker } from "../dist/index.js";

const [url, queueName, jobsText, concurrencyText, flag] = process.argv.slice(2);
const jobs = Number(jobsText);
const backend = await createBackend(url);
if (flag === "--add-here") {
  const queue = new Queue(queueName, { backend, defaultJobOptions: { removeOnComplete: true } });
  for (let added = 0; added < jobs; added += 1000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1000, jobs - added) }, () => ({ name: "noop", data: {} })),
    );
  }
}
const started = performance.now();
let done = 0;
const worker = new Worker(queueName, () => undefined, { backend, concurrency: Number(concurrencyText) });
worker.on("error", (error) => console.error(`[worker-child] ${error.message}`));
const progress = setInterval(() => console.log(`done ${done}`), 1000);
const sampler = setInterval(
  () => console.log(`rss ${Math.round(performance.now() - started)} ${process.memoryUsage().rss}`),
  10_000,
);
await new Promise((resolve) =>
  worker.on("completed", () => {
    if (++done === jobs) resolve();
  }),
);
clearInterval(progress);
clearInterval(sampler);
const seconds = (performance.now() - started) / 1000;
console.log(`result ${JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024, seconds })}`);
await worker.close();
await backend.close();
process.exit(0);
