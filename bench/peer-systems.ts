// The peers (BullMQ, pg-boss, raw amqplib) as benchmark systems. They live in bench/package.json — never in
// the root devDependencies, where BullMQ's optional native msgpack build would break `npm ci` — and are
// installed here on first use. Their modules are imported by computed path, so the root typecheck and lint
// (which run without bench/node_modules) never follow into them.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { AddMode } from "./add-modes.js";
import type { MeasureProcessRate } from "./bench-config.js";

interface PeerModule {
  measureAddRate(mode: AddMode, jobs: number): Promise<number>;
  measureProcessRate(
    options: Parameters<MeasureProcessRate>[0],
    tuning?: { selfNotify?: boolean },
  ): Promise<number>;
  measureLatency?(rate: number, seconds: number): Promise<Latency>;
  measureWorkerRss?(jobs: number): Promise<number>;
}

/** Add→start delay percentiles, in ms. */
export interface Latency {
  p50: number;
  p99: number;
}

/** A peer system: the module under bench/peers/ and any tuning it takes. */
interface PeerSystem {
  module: string;
  tuning?: { selfNotify?: boolean };
  /** Fewer jobs for a system that cannot drain the full count in reasonable time. */
  maxJobs?: number;
  /** Which Warren systems this peer is the yardstick for in process-rate tables. */
  comparedWith: string[];
  /** Which Warren systems it is the yardstick for in add-rate tables; absent: adds are not measured. */
  addComparedWith?: string[];
  /** Which Warren systems it is the yardstick for in latency tables; absent: latency is not measured. */
  latencyComparedWith?: string[];
  /** Which Warren systems it is the yardstick for in worker-RSS tables; absent: RSS is not measured. */
  rssComparedWith?: string[];
}

export const PEER_SYSTEMS: Record<string, PeerSystem> = {
  bullmq: {
    module: "bullmq",
    comparedWith: ["redis", "amqp+redis"],
    addComparedWith: ["redis", "amqp+redis"],
    latencyComparedWith: ["redis", "amqp+redis"],
    rssComparedWith: ["redis", "amqp+redis"],
  },
  // pg-boss 10 sleeps out its polling interval (min 0.5 s) after every batch: about 2·C jobs/s at best.
  "pg-boss": {
    module: "pgboss",
    maxJobs: 4000,
    comparedWith: [],
    addComparedWith: ["postgres", "amqp+postgres"],
  },
  // Its best tuned setting: batch fetch of C, and notifyWorker() after a full batch to skip the sleep.
  "pg-boss+notify": {
    module: "pgboss",
    tuning: { selfNotify: true },
    comparedWith: ["postgres", "amqp+postgres"],
  },
  // pg-boss 12, the current major: batches of 1,000 fetched back to back while they come back full.
  "pg-boss12": {
    module: "pgboss12",
    comparedWith: ["postgres", "amqp+postgres"],
    addComparedWith: ["postgres", "amqp+postgres"],
  },
  amqplib: {
    module: "amqplib",
    comparedWith: ["amqp+redis", "amqp+postgres"],
    addComparedWith: ["amqp+redis", "amqp+postgres"],
    latencyComparedWith: ["amqp+redis", "amqp+postgres"],
  },
};

const BENCH_DIR = fileURLToPath(new URL(".", import.meta.url));

/** Installs bench/package.json's dependencies when any is missing. */
export function ensurePeersInstalled(): void {
  const manifest = JSON.parse(readFileSync(new URL("package.json", import.meta.url), "utf8")) as {
    dependencies: Record<string, string>;
  };
  const missing = Object.keys(manifest.dependencies).filter(
    (name) => !existsSync(new URL(`node_modules/${name}/package.json`, import.meta.url)),
  );
  if (missing.length === 0) return;
  console.error(`installing bench peers (${missing.join(", ")}): npm ci --omit=optional --prefix bench`);
  const npm = spawnSync("npm", ["ci", "--omit=optional", "--prefix", BENCH_DIR], { stdio: "inherit" });
  if (npm.status !== 0)
    throw new Error(`npm ci in ${BENCH_DIR} failed (${npm.error?.message ?? `exit ${npm.status}`})`);
}

/** The peer's measure functions. */
export async function loadPeer(system: PeerSystem): Promise<{
  process: MeasureProcessRate;
  add: (mode: AddMode, jobs: number) => Promise<number>;
  latency?: (rate: number, seconds: number) => Promise<Latency>;
  rss?: (jobs: number) => Promise<number>;
}> {
  const path = `./peers/${system.module}.ts`;
  const loaded = (await import(path)) as PeerModule;
  const measureLatency = loaded.measureLatency;
  return {
    process: (options) => loaded.measureProcessRate(options, system.tuning),
    add: (mode, jobs) => loaded.measureAddRate(mode, jobs),
    ...(system.latencyComparedWith && measureLatency
      ? { latency: (rate: number, seconds: number) => measureLatency(rate, seconds) }
      : {}),
    ...(system.rssComparedWith && loaded.measureWorkerRss
      ? { rss: (jobs: number) => loaded.measureWorkerRss!(jobs) }
      : {}),
  };
}

/** Installed versions of the peers, for the results header. */
export function peerVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of ["bullmq", "pg-boss", "pg-boss-12", "amqplib"]) {
    const file = new URL(`node_modules/${name}/package.json`, import.meta.url);
    if (existsSync(file))
      versions[name] = (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  }
  return versions;
}
