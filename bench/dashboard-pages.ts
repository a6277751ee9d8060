// `npm run bench:dashboard`: how fast the dashboard answers on a 10,000-job Redis queue. Fills one queue with
// completed, failed, waiting and delayed jobs, serves the dashboard over real HTTP, then times each page and API
// answer (sequential requests after a warm-up) and writes p50/p95 against the 200 ms goal to bench/DASHBOARD.md.
//   npm run bench:dashboard -- [--url redis://127.0.0.1:6379/0] [--jobs 10000] [--requests 40]
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { cpus } from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { Queue, RedisBackend, Worker } from "../src/index.js";
import { createDashboard } from "../src/dashboard/index.js";
import { waitFor } from "../src/testing/index.js";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: process.env["WARREN_TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379/0" },
    jobs: { type: "string", default: "10000" },
    requests: { type: "string", default: "40" },
    out: { type: "string", default: "bench/DASHBOARD.md" },
  },
});
const JOBS = Number(values.jobs);
const REQUESTS = Number(values.requests);
const WARM_UP = 5;
const GOAL_MS = 200;
const CHUNK = 1000;
const TOKEN = "bench";

const prefix = `wb-${randomBytes(4).toString("hex")}`;
const backend = new RedisBackend({ url: values.url, prefix });
const queue = new Queue<{ n: number }>("bench", { backend });

// 70% run through a worker (one in ten of them fails), then 20% wait in the paused queue and 10% are delayed.
const processed = Math.round(JOBS * 0.7);
const waiting = Math.round(JOBS * 0.2);
const delayed = JOBS - processed - waiting;
const worker = new Worker<{ n: number }>(
  queue.name,
  (job) => {
    if (job.data.n % 10 === 0) throw new Error(`order ${job.data.n} was declined`);
    return { charged: job.data.n };
  },
  { backend, concurrency: 50 },
);
const add = async (count: number, from: number, delay: number): Promise<void> => {
  for (let start = 0; start < count; start += CHUNK) {
    const size = Math.min(CHUNK, count - start);
    await queue.addBulk(
      Array.from({ length: size }, (_, i) => ({
        name: `charge-${from + start + i}`,
        data: { n: from + start + i },
        opts: { attempts: 1, ...(delay ? { delay } : {}) },
      })),
    );
  }
};
console.log(`filling queue "bench" under prefix ${prefix} with ${JOBS} jobs…`);
await add(processed, 0, 0);
await waitFor(
  async () => {
    const counts = await queue.getJobCounts("completed", "failed");
    return counts.completed + counts.failed >= processed;
  },
  { timeout: 600_000, interval: 250 },
);
await worker.close();
await queue.pause();
await add(waiting, processed, 0);
await add(delayed, processed + waiting, 3_600_000);
const counts = await queue.getJobCounts();
const failed = await queue.getJobs("failed", { limit: 1 });
const someJob = failed[0]!.id;

const dashboard = createDashboard({ backend, auth: { token: TOKEN } });
const server = createServer(dashboard.handler);
await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
const address = server.address();
const origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;

const targets: Array<[string, string]> = [
  ["page: overview", "/"],
  ["page: queue (all, newest 50)", "/queues/bench"],
  ["page: queue, completed, offset 5000", "/queues/bench?state=completed&offset=5000"],
  ["page: queue, failed", "/queues/bench?state=failed"],
  ['page: queue, search "declined"', "/queues/bench?search=declined"],
  ["page: job", `/queues/bench/jobs/${encodeURIComponent(someJob)}`],
  ["page: schedules", "/schedules"],
  ["page: workers", "/workers"],
  ["page: dead letters", "/dead-letters?queue=bench"],
  ["page: charts", "/charts"],
  ["page: audit", "/audit"],
  ["api: queues", "/api/queues"],
  ["api: jobs (waiting, 50)", "/api/queues/bench/jobs?state=waiting"],
  ["api: jobs (completed, 500)", "/api/queues/bench/jobs?state=completed&limit=500"],
  ["api: job", `/api/queues/bench/jobs/${encodeURIComponent(someJob)}`],
  ['api: search "charge-99"', "/api/queues/bench/jobs?search=charge-99"],
  ["api: dead letters", "/api/queues/bench/dead-letters"],
  ["api: workers", "/api/workers"],
  ["asset: client.js", "/assets/client.js"],
];

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? NaN;
}

const rows: string[] = [];
for (const [label, path] of targets) {
  const times: number[] = [];
  let status = 0;
  let bytes = 0;
  for (let i = 0; i < WARM_UP + REQUESTS; i++) {
    const started = performance.now();
    const response = await fetch(origin + path, { headers: { authorization: `Bearer ${TOKEN}` } });
    const body = await response.arrayBuffer();
    const took = performance.now() - started;
    status = response.status;
    bytes = body.byteLength;
    if (i >= WARM_UP) times.push(took);
  }
  times.sort((a, b) => a - b);
  const p50 = percentile(times, 0.5);
  const p95 = percentile(times, 0.95);
  const verdict = status !== 200 ? `HTTP ${status}` : p95 < GOAL_MS ? "ok" : "over goal";
  rows.push(
    `| ${label} | ${status} | ${(bytes / 1024).toFixed(1)} | ${p50.toFixed(1)} | ${p95.toFixed(1)} | ${verdict} |`,
  );
  console.log(rows[rows.length - 1]);
}

const report = `# Dashboard page times

\`npm run bench:dashboard\` (bench/dashboard-pages.ts), ${new Date().toISOString().slice(0, 10)}: one Redis queue of
${JOBS} jobs (${counts.completed} completed, ${counts.failed} failed, ${counts.waiting} waiting in the paused queue,
${counts.delayed} delayed), the dashboard served over real HTTP on 127.0.0.1, ${REQUESTS} sequential requests per
row after ${WARM_UP} warm-up requests, timed from request to last body byte. Goal: p95 under ${GOAL_MS} ms.
Host: ${cpus().length} cores (${cpus()[0]?.model ?? "unknown"}); Redis on
the same host.

| answer | status | KB | p50 ms | p95 ms | vs goal |
| --- | --- | --- | --- | --- | --- |
${rows.join("\n")}

A search examines the newest 10,000 jobs of the states asked (\`queue.searchJobs\`'s default scan limit), so on this
queue it reads every job: its cost is the scan, not the page. The overview costs one batched \`snapshotQueues\` read whatever the number of queues; a queue page one
\`listJobs\` page and one count; a job page the job, its logs and its flow relations; the dead-letter page
the queue's first 100 letters.
`;
writeFileSync(values.out, report);
console.log(`wrote ${values.out}`);

await dashboard.close();
server.closeAllConnections();
server.close();
await queue.obliterate({ force: true });
await backend.close();
