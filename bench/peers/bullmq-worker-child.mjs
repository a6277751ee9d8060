// BullMQ's worker in its own process, for the RSS metric (the twin of bench/worker-child.mjs).
//   node bench/peers/bullmq-worker-child.mjs <redis url> <queue> <jobs> <concurrency>
import { Worker } from "bullmq";

const [url, name, jobsText, concurrencyText] = process.argv.slice(2);
const redis = new URL(url);
const connection = {
  host: redis.hostname,
  port: Number(redis.port || 6379),
  db: Number(redis.pathname.slice(1) || 0),
  maxRetriesPerRequest: null,
};
const jobs = Number(jobsText);
const started = performance.now();
let done = 0;
const worker = new Worker(name, () => Promise.resolve(), {
  connection,
  concurrency: Number(concurrencyText),
});
await new Promise((resolve) =>
  worker.on("completed", () => {
    if (++done === jobs) resolve();
  }),
);
const seconds = (performance.now() - started) / 1000;
console.log(`result ${JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024, seconds })}`);
await worker.close();
process.exit(0);
