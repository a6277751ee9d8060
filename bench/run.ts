// `npm run bench`: Warren on each backend beside BullMQ, pg-boss and raw amqplib, in one run on one machine.
//   npm run bench -- [--jobs 10000] [--concurrency 100 | 1,10,100] [--runs 3]
//                    [--metrics add,process,latency,rss] [--systems memory,redis,…]
// Add rate: jobs added one at a time, 100 in flight, or in bulk calls of 1,000. Process rate: add N jobs first
// (bulk), then drain them with one worker at concurrency C and a no-op processor; jobs / time from worker start
// to the last completion. Latency: add→start p50/p99 at 1,000 jobs/s for 10 s with a worker running (see
// latency.ts). RSS: peak RSS of a worker process draining the jobs (see worker-rss.ts). Runs are interleaved (run 1 of every system, then run 2, …) so machine drift hits all
// alike. Prints a table and writes bench/RESULTS.md.
import { cpus, totalmem, type as osType, release } from "node:os";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ADD_MODES, addCount, type AddMode } from "./add-modes.js";
import type { MeasureProcessRate } from "./bench-config.js";
import { LATENCY_RATE, LATENCY_SECONDS } from "./latency.js";
import { runWorkerProcess } from "./worker-process.js";
import { ensurePeersInstalled, loadPeer, PEER_SYSTEMS, peerVersions, type Latency } from "./peer-systems.js";
import {
  measureWarrenAddRate,
  measureWarrenLatency,
  measureWarrenProcessRate,
  WARREN_SYSTEMS,
} from "./warren-systems.js";

const ALL = [...Object.keys(WARREN_SYSTEMS), ...Object.keys(PEER_SYSTEMS)];
const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "100" },
    runs: { type: "string", default: "3" },
    systems: { type: "string", default: ALL.join(",") },
    out: { type: "string", default: "bench/RESULTS.md" },
    metrics: { type: "string", default: "add,process,latency,rss" },
  },
});
const JOBS = positive("jobs", values.jobs);
/** The RSS run needs enough jobs for the worker to reach its steady state, not the full count. */
const RSS_JOBS = Math.min(JOBS, 5_000);
const RUNS = positive("runs", values.runs);
const CONCURRENCIES = values.concurrency.split(",").map((c) => positive("concurrency", c));
const chosen = values.systems.split(",").map((name) => name.trim());
const METRICS = values.metrics.split(",").map((metric) => metric.trim());
for (const metric of METRICS) {
  if (!["add", "process", "latency", "rss"].includes(metric))
    throw new Error(`unknown metric ${metric}; choose add, process, latency, rss`);
}
const ADD_TITLES: Record<AddMode, string> = {
  sequential: "one at a time, each awaited",
  inflight100: "100 adds in flight",
  bulk1000: "bulk calls of 1,000",
};
for (const name of chosen) {
  if (!ALL.includes(name)) throw new Error(`unknown system ${name}; choose from ${ALL.join(", ")}`);
}

function positive(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${flag} must be a positive integer (got ${text})`);
  return value;
}

const MEMORY_JOBS_FACTOR = 10;

/**
 * Jobs for one system at one concurrency: plain pg-boss drains ~2·C jobs/s, so it gets ~10 s of work; the
 * in-process memory backend gets 10× the count, or its whole run would be a fraction of a second of warm-up.
 */
function jobsFor(name: string, concurrency: number): number {
  if (name === "memory") return JOBS * MEMORY_JOBS_FACTOR;
  const cap = name === "pg-boss" ? Math.min(PEER_SYSTEMS[name]!.maxJobs!, 20 * concurrency) : JOBS;
  return Math.min(JOBS, cap);
}

if (chosen.some((name) => name in PEER_SYSTEMS)) ensurePeersInstalled();
interface Measures {
  process: MeasureProcessRate;
  /** Absent for a peer variant whose adds are its base system's. */
  add?: (mode: AddMode, jobs: number) => Promise<number>;
  /** Absent for a peer whose latency is not measured. */
  latency?: (rate: number, seconds: number) => Promise<Latency>;
  /** Peak RSS in bytes of a worker process draining `jobs` jobs; absent where not measured. */
  rss?: (jobs: number) => Promise<number>;
}
const measures = new Map<string, Measures>();
for (const name of chosen) {
  const warren = WARREN_SYSTEMS[name];
  if (warren) {
    measures.set(name, {
      process: (options) => measureWarrenProcessRate(warren, options),
      add: (mode, jobs) => measureWarrenAddRate(warren, mode, jobs),
      latency: (rate, seconds) => measureWarrenLatency(warren, rate, seconds),
      rss: async (jobs) => (await runWorkerProcess(name, jobs, 100)).maxRssBytes,
    });
  } else {
    const peer = PEER_SYSTEMS[name]!;
    const loaded = await loadPeer(peer);
    measures.set(name, {
      process: loaded.process,
      ...(peer.addComparedWith ? { add: loaded.add } : {}),
      ...(loaded.latency ? { latency: loaded.latency } : {}),
      ...(loaded.rss ? { rss: loaded.rss } : {}),
    });
  }
}

const rates = new Map<string, number[]>();
const record = (key: string, rate: number): void => {
  const list = rates.get(key) ?? [];
  list.push(rate);
  rates.set(key, list);
};
const key = (name: string, concurrency: number): string => `${name}@${concurrency}`;
const addKey = (name: string, mode: AddMode): string => `${name}+${mode}`;
const started = Date.now();
for (let run = 1; run <= RUNS; run++) {
  if (METRICS.includes("add")) {
    for (const mode of ADD_MODES) {
      for (const name of chosen) {
        const add = measures.get(name)!.add;
        if (!add) continue;
        const rate = await add(mode, JOBS);
        record(addKey(name, mode), rate);
        console.error(`run ${run}/${RUNS} add ${mode} ${name}: ${Math.round(rate)} jobs/s`);
      }
    }
  }
  if (METRICS.includes("latency")) {
    for (const name of chosen) {
      const latency = measures.get(name)!.latency;
      if (!latency) continue;
      const { p50, p99 } = await latency(LATENCY_RATE, LATENCY_SECONDS);
      record(`${name}~p50`, p50);
      record(`${name}~p99`, p99);
      console.error(`run ${run}/${RUNS} latency ${name}: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`);
    }
  }
  if (METRICS.includes("rss")) {
    for (const name of chosen) {
      const rss = measures.get(name)!.rss;
      if (!rss) continue;
      const bytes = await rss(RSS_JOBS);
      record(`${name}~rss`, bytes / 2 ** 20);
      console.error(`run ${run}/${RUNS} rss ${name}: ${(bytes / 2 ** 20).toFixed(1)} MiB`);
    }
  }
  if (!METRICS.includes("process")) continue;
  for (const concurrency of CONCURRENCIES) {
    for (const name of chosen) {
      const rate = await measures.get(name)!.process({ jobs: jobsFor(name, concurrency), concurrency });
      record(key(name, concurrency), rate);
      console.error(`run ${run}/${RUNS} c=${concurrency} ${name}: ${Math.round(rate)} jobs/s`);
    }
  }
}

interface Summary {
  median: number;
  min: number;
  max: number;
}
function summary(statKey: string): Summary | undefined {
  const list = [...(rates.get(statKey) ?? [])].sort((a, b) => a - b);
  if (list.length === 0) return undefined;
  return { median: list[Math.floor(list.length / 2)]!, min: list[0]!, max: list.at(-1)! };
}
const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");

const lines: string[] = [];
function addTable(
  title: string,
  rowKey: (name: string) => string,
  jobs: (name: string) => number,
  add: boolean,
): void {
  lines.push(`\n### ${title} (median of ${RUNS}, jobs/s)\n`);
  lines.push("| system | jobs | median | min–max | vs peer |", "| --- | ---: | ---: | ---: | --- |");
  for (const name of chosen) {
    const s = summary(rowKey(name));
    if (!s) continue;
    const ratios = Object.entries(PEER_SYSTEMS)
      .filter(
        ([peer, system]) =>
          (add ? system.addComparedWith : system.comparedWith)?.includes(name) && summary(rowKey(peer)),
      )
      .map(([peer]) => `${(s.median / summary(rowKey(peer))!.median).toFixed(2)}× ${peer}`);
    lines.push(
      `| ${name} | ${jobs(name)} | ${fmt(s.median)} | ${fmt(s.min)}–${fmt(s.max)} | ${ratios.join(", ")} |`,
    );
  }
}
if (METRICS.includes("add")) {
  for (const mode of ADD_MODES) {
    addTable(
      `Add rate, ${ADD_TITLES[mode]}`,
      (name) => addKey(name, mode),
      () => addCount(mode, JOBS),
      true,
    );
  }
}
if (METRICS.includes("process")) {
  for (const concurrency of CONCURRENCIES) {
    addTable(
      `Process rate, no-op processor, concurrency ${concurrency}`,
      (name) => key(name, concurrency),
      (name) => jobsFor(name, concurrency),
      false,
    );
  }
}
if (METRICS.includes("latency")) {
  const ms = (n: number): string => n.toFixed(2);
  lines.push(
    `\n### Add→start latency at ${LATENCY_RATE.toLocaleString("en-US")} jobs/s for ${LATENCY_SECONDS} s (median of ${RUNS}, ms)\n`,
  );
  lines.push(
    "| system | p50 | p50 min–max | p99 | p99 min–max | p99 vs peer |",
    "| --- | ---: | ---: | ---: | ---: | --- |",
  );
  for (const name of chosen) {
    const p50 = summary(`${name}~p50`);
    const p99 = summary(`${name}~p99`);
    if (!p50 || !p99) continue;
    const ratios = Object.entries(PEER_SYSTEMS)
      .filter(([peer, system]) => system.latencyComparedWith?.includes(name) && summary(`${peer}~p99`))
      .map(([peer]) => `${(p99.median / summary(`${peer}~p99`)!.median).toFixed(2)}× ${peer}`);
    // PostgreSQL has no peer measured at this rate; the issue's yardstick is Warren's own Redis backend.
    const redisP99 = summary("redis~p99");
    if (name.endsWith("postgres") && redisP99)
      ratios.push(`${(p99.median / redisP99.median).toFixed(2)}× redis`);
    lines.push(
      `| ${name} | ${ms(p50.median)} | ${ms(p50.min)}–${ms(p50.max)} | ${ms(p99.median)} | ${ms(p99.min)}–${ms(p99.max)} | ${ratios.join(", ")} |`,
    );
  }
}
if (METRICS.includes("rss")) {
  lines.push(
    `\n### Peak RSS of the worker process, ${fmt(RSS_JOBS)} jobs at concurrency 100 (median of ${RUNS}, MiB)\n`,
  );
  lines.push("| system | median | min–max | vs peer |", "| --- | ---: | ---: | --- |");
  for (const name of chosen) {
    const s = summary(`${name}~rss`);
    if (!s) continue;
    const ratios = Object.entries(PEER_SYSTEMS)
      .filter(([peer, system]) => system.rssComparedWith?.includes(name) && summary(`${peer}~rss`))
      .map(([peer]) => `${(s.median / summary(`${peer}~rss`)!.median).toFixed(2)}× ${peer}`);
    lines.push(
      `| ${name} | ${s.median.toFixed(1)} | ${s.min.toFixed(1)}–${s.max.toFixed(1)} | ${ratios.join(", ")} |`,
    );
  }
}
const table = lines.join("\n");
console.log(table);

const versions = Object.entries(peerVersions())
  .map(([name, version]) => `${name} ${version}`)
  .join(", ");
const command =
  `npm run bench -- --jobs ${JOBS} --concurrency ${CONCURRENCIES.join(",")} --runs ${RUNS} ` +
  `--metrics ${METRICS.join(",")} --systems ${chosen.join(",")}`;
writeFileSync(
  values.out,
  `# Benchmark results

Written by \`bench/run.ts\`; regenerate with the command below. Figures are machine-specific: compare ratios
within one run, not figures across machines.

- Date: ${new Date().toISOString()}
- Command: \`${command}\`
- Machine: ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${osType()} ${release()}, Node ${process.version}
- Peers: ${versions || "none measured"}
- Duration: ${Math.round((Date.now() - started) / 1000)} s
- Method: add rate — jobs added to a fresh queue one at a time (at most ${addCount("sequential", JOBS)}),
  100 in flight, or in bulk calls of 1,000 (raw amqplib: persistent publishes with confirms). Process rate —
  every system adds its jobs first (bulk), then one worker drains them with a no-op processor; completed jobs
  are not kept (removeOnComplete). Latency — a worker at concurrency 100 runs while jobs are added one by one at
  ${LATENCY_RATE} jobs/s for ${LATENCY_SECONDS} s; the delay is processor start − add call. RSS — one worker in its own
  process (plain \`node\` over the build in dist/) drains the jobs; its peak RSS.
  Runs are interleaved across systems.
${table}
`,
);
console.error(`\nwrote ${values.out}`);
