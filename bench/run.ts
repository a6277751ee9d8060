// `npm run bench`: Warren on each backend beside BullMQ, pg-boss and raw amqplib, in one run on one machine.
//   npm run bench -- [--jobs 20000] [--concurrency 100 | 1,10,100] [--runs 3] [--systems memory,redis,…]
// Process rate: add N jobs first (bulk), then drain them with one worker at concurrency C and a no-op
// processor; jobs / time from worker start to the last completion. Runs are interleaved (run 1 of every
// system, then run 2, …) so machine drift hits all alike. Prints a table and writes bench/RESULTS.md.
import { cpus, totalmem, type as osType, release } from "node:os";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { MeasureProcessRate } from "./bench-config.js";
import { ensurePeersInstalled, loadPeer, PEER_SYSTEMS, peerVersions } from "./peer-systems.js";
import { measureWarrenProcessRate, WARREN_SYSTEMS } from "./warren-systems.js";

const ALL = [...Object.keys(WARREN_SYSTEMS), ...Object.keys(PEER_SYSTEMS)];
const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "20000" },
    concurrency: { type: "string", default: "100" },
    runs: { type: "string", default: "3" },
    systems: { type: "string", default: ALL.join(",") },
    out: { type: "string", default: "bench/RESULTS.md" },
  },
});
const JOBS = positive("jobs", values.jobs);
const RUNS = positive("runs", values.runs);
const CONCURRENCIES = values.concurrency.split(",").map((c) => positive("concurrency", c));
const chosen = values.systems.split(",").map((name) => name.trim());
for (const name of chosen) {
  if (!ALL.includes(name)) throw new Error(`unknown system ${name}; choose from ${ALL.join(", ")}`);
}

function positive(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${flag} must be a positive integer (got ${text})`);
  return value;
}

/** Jobs for one system at one concurrency: plain pg-boss drains ~2·C jobs/s, so it gets ~10 s of work. */
function jobsFor(name: string, concurrency: number): number {
  const cap = name === "pg-boss" ? Math.min(PEER_SYSTEMS[name]!.maxJobs!, 20 * concurrency) : JOBS;
  return Math.min(JOBS, cap);
}

if (chosen.some((name) => name in PEER_SYSTEMS)) ensurePeersInstalled();
const measures = new Map<string, MeasureProcessRate>();
for (const name of chosen) {
  const warren = WARREN_SYSTEMS[name];
  measures.set(
    name,
    warren ? (options) => measureWarrenProcessRate(warren, options) : await loadPeer(PEER_SYSTEMS[name]!),
  );
}

const rates = new Map<string, number[]>();
const key = (name: string, concurrency: number): string => `${name}@${concurrency}`;
const started = Date.now();
for (let run = 1; run <= RUNS; run++) {
  for (const concurrency of CONCURRENCIES) {
    for (const name of chosen) {
      const rate = await measures.get(name)!({ jobs: jobsFor(name, concurrency), concurrency });
      const list = rates.get(key(name, concurrency)) ?? [];
      list.push(rate);
      rates.set(key(name, concurrency), list);
      console.error(`run ${run}/${RUNS} c=${concurrency} ${name}: ${Math.round(rate)} jobs/s`);
    }
  }
}

interface Summary {
  median: number;
  min: number;
  max: number;
}
function summary(name: string, concurrency: number): Summary | undefined {
  const list = [...(rates.get(key(name, concurrency)) ?? [])].sort((a, b) => a - b);
  if (list.length === 0) return undefined;
  return { median: list[Math.floor(list.length / 2)]!, min: list[0]!, max: list.at(-1)! };
}
const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");

const lines: string[] = [];
for (const concurrency of CONCURRENCIES) {
  lines.push(`\n### Process rate, no-op processor, concurrency ${concurrency} (median of ${RUNS}, jobs/s)\n`);
  lines.push("| system | jobs | median | min–max | vs peer |", "| --- | ---: | ---: | ---: | --- |");
  for (const name of chosen) {
    const s = summary(name, concurrency)!;
    const ratios = Object.entries(PEER_SYSTEMS)
      .filter(([peer, system]) => system.comparedWith.includes(name) && summary(peer, concurrency))
      .map(([peer]) => `${(s.median / summary(peer, concurrency)!.median).toFixed(2)}× ${peer}`);
    lines.push(
      `| ${name} | ${jobsFor(name, concurrency)} | ${fmt(s.median)} | ${fmt(s.min)}–${fmt(s.max)} | ${ratios.join(", ")} |`,
    );
  }
}
const table = lines.join("\n");
console.log(table);

const versions = Object.entries(peerVersions())
  .map(([name, version]) => `${name} ${version}`)
  .join(", ");
const command = `npm run bench -- --jobs ${JOBS} --concurrency ${CONCURRENCIES.join(",")} --runs ${RUNS} --systems ${chosen.join(",")}`;
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
- Method: every system adds its jobs first (bulk), then one worker drains them with a no-op processor;
  completed jobs are not kept (removeOnComplete). Runs are interleaved across systems.
${table}
`,
);
console.error(`\nwrote ${values.out}`);
