// `npm run bench:soak`: a long run through one worker process, to show its memory stays flat.
//   npm run bench:soak -- [--system redis] [--jobs 1000000] [--concurrency 100] [--out bench/SOAK.md]
// The parent keeps a backlog of 20,000 jobs (removeOnComplete) in front of a worker in its own process; the
// worker samples its RSS every 10 s. The slope is fitted after a 30 s warm-up.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { cpus, totalmem } from "node:os";
import { rssSlope, runWorkerProcess } from "./worker-process.js";

const { values } = parseArgs({
  options: {
    system: { type: "string", default: "redis" },
    jobs: { type: "string", default: "1000000" },
    concurrency: { type: "string", default: "100" },
    out: { type: "string", default: "bench/SOAK.md" },
  },
});
const jobs = Number(values.jobs);
const concurrency = Number(values.concurrency);
const WARM_UP_MS = 30_000;
const BACKLOG = 20_000;

console.error(`soak: ${jobs} jobs through one ${values.system} worker process at concurrency ${concurrency}`);
const report = await runWorkerProcess(values.system, jobs, concurrency, BACKLOG);
const steady = report.samples.filter(([ms]) => ms >= WARM_UP_MS);
const slope = rssSlope(steady);
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
const rows = report.samples.map(([ms, rss]) => `| ${Math.round(ms / 1000)} | ${mib(rss)} |`).join("\n");
const first = steady[0]?.[1];
const last = steady.at(-1)?.[1];
const summary =
  `${jobs.toLocaleString("en-US")} jobs in ${report.seconds.toFixed(0)} s ` +
  `(${Math.round(jobs / report.seconds).toLocaleString("en-US")} jobs/s); peak RSS ${mib(report.maxRssBytes)} MiB; ` +
  `RSS slope after warm-up ${slope.toFixed(3)} MiB/min` +
  (first !== undefined && last !== undefined ? ` (${mib(first)} → ${mib(last)} MiB)` : "");
console.log(summary);
writeFileSync(
  values.out,
  `# Soak run

- Date: ${new Date().toISOString()}
- Command: \`npm run bench:soak -- --system ${values.system} --jobs ${jobs} --concurrency ${concurrency}\`
- Machine: ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}
- Method: one worker in its own process drains no-op jobs (removeOnComplete); the parent keeps ${BACKLOG.toLocaleString("en-US")}
  jobs queued ahead of it. RSS is sampled in the worker every 10 s; the slope is a least-squares fit after ${WARM_UP_MS / 1000} s.

**${summary}**

| s | RSS MiB |
| ---: | ---: |
${rows}
`,
);
console.error(`wrote ${values.out}`);
