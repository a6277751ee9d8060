// Process rate of peer job queues, measured the way bench/process-rate.ts measures Warren, so the figures sit
// beside Warren's: `npx tsx bench/peers/run.ts [--jobs N] [--concurrency C] [--runs R]
// [--systems bullmq,pg-boss,pg-boss+notify,amqplib] [--pgboss-jobs N]`. Each system adds N jobs first (bulk),
// then consumes them with concurrency C and a no-op handler; the figure is jobs / time from consumer start to
// the last completion, and the table shows the median, min and max of R runs. Peers are installed in
// bench/node_modules from bench/package.json (`npm ci --omit=optional`, run here if they are missing).
//
// Plain pg-boss sleeps out its polling interval (min 0.5 s) after every batch, so it tops out near 2·C jobs/s;
// it gets --pgboss-jobs (default 4000) jobs instead of N so that three runs take about a minute, not five.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

interface ProcessRateOptions {
  jobs: number;
  concurrency: number;
}
type Measure = (options: ProcessRateOptions) => Promise<number>;
interface System {
  load: () => Promise<Measure>;
  /** A lower job count for a system too slow to drain N jobs R times in a couple of minutes. */
  maxJobs?: number;
}

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "20000" },
    concurrency: { type: "string", default: "100" },
    runs: { type: "string", default: "3" },
    systems: { type: "string", default: "bullmq,pg-boss,pg-boss+notify,amqplib" },
    "pgboss-jobs": { type: "string", default: "4000" },
  },
});
const JOBS = Number(values.jobs);
const CONCURRENCY = Number(values.concurrency);
const RUNS = Number(values.runs);
const PGBOSS_JOBS = Number(values["pgboss-jobs"]);
for (const [flag, value] of Object.entries({ JOBS, CONCURRENCY, RUNS, PGBOSS_JOBS })) {
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${flag.toLowerCase()} must be a positive integer`);
}

const systems: Record<string, System> = {
  bullmq: { load: async () => (await import("./bullmq.js")).measureProcessRate },
  "pg-boss": { load: async () => (await import("./pgboss.js")).measureProcessRate, maxJobs: PGBOSS_JOBS },
  "pg-boss+notify": {
    load: async () => {
      const { measureProcessRate } = await import("./pgboss.js");
      return (options) => measureProcessRate(options, { selfNotify: true });
    },
  },
  amqplib: { load: async () => (await import("./amqplib.js")).measureProcessRate },
};
const chosen = values.systems.split(",").map((name) => name.trim());
for (const name of chosen) {
  if (!systems[name])
    throw new Error(`unknown system ${name}; choose from ${Object.keys(systems).join(", ")}`);
}

// The peers resolve from bench/node_modules (this file lives under bench/); install them if any is missing.
const benchDir = fileURLToPath(new URL("..", import.meta.url));
const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  dependencies: Record<string, string>;
};
const missing = Object.keys(manifest.dependencies).filter(
  (name) => !existsSync(new URL(`../node_modules/${name}/package.json`, import.meta.url)),
);
if (missing.length > 0) {
  console.error(
    `installing bench peers (${missing.join(", ")} missing): npm ci --omit=optional --prefix bench`,
  );
  const npm = spawnSync("npm", ["ci", "--omit=optional", "--prefix", benchDir], { stdio: "inherit" });
  if (npm.status !== 0)
    throw new Error(`npm ci in ${benchDir} failed (${npm.error?.message ?? `exit ${npm.status}`})`);
}

const rows: Array<[string, number, number, number, number]> = [];
for (const name of chosen) {
  const system = systems[name]!;
  const jobs = Math.min(JOBS, system.maxJobs ?? JOBS);
  const measure = await system.load();
  const rates: number[] = [];
  for (let i = 0; i < RUNS; i++) rates.push(await measure({ jobs, concurrency: CONCURRENCY }));
  rates.sort((a, b) => a - b);
  rows.push([name, jobs, rates[Math.floor(rates.length / 2)]!, rates[0]!, rates.at(-1)!]);
  console.error(`${name}: ${rates.map((r) => Math.round(r)).join(", ")} jobs/s (${jobs} jobs)`);
}
console.log(`\nprocess rate, no-op handler, concurrency ${CONCURRENCY}, median of ${RUNS}`);
console.log("| system | jobs | jobs/s (median) | min | max |\n| --- | ---: | ---: | ---: | ---: |");
for (const [name, jobs, median, min, max] of rows) {
  console.log(`| ${name} | ${jobs} | ${Math.round(median)} | ${Math.round(min)} | ${Math.round(max)} |`);
}
