// Runs bench/worker-child.mjs for a Warren system and reads what it prints: the worker's own peak RSS, and
// for the soak, RSS samples over time while the parent keeps a bounded backlog of jobs in front of it.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import pg from "pg";
import { createBackend, Queue } from "../src/index.js";
import { BENCH_URLS } from "./bench-config.js";

/** A Warren system as a URL both processes can open; memory cannot be shared, so its child adds. */
export function systemUrl(name: string): { url: string; addHere: boolean; dispose: () => Promise<void> } {
  const tag = randomBytes(3).toString("hex");
  const redis = `${BENCH_URLS.redis}?prefix=bench-${tag}`;
  const schema = `bench_${tag}`;
  const postgres = `${BENCH_URLS.postgres}${BENCH_URLS.postgres.includes("?") ? "&" : "?"}schema=${schema}`;
  const dropSchema = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: BENCH_URLS.postgres });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  };
  const none = (): Promise<void> => Promise.resolve();
  switch (name) {
    case "memory":
      return { url: "memory://", addHere: true, dispose: none };
    case "redis":
      return { url: redis, addHere: false, dispose: none };
    case "postgres":
      return { url: postgres, addHere: false, dispose: dropSchema };
    case "amqp+redis":
      return { url: `${BENCH_URLS.amqp}?store=${encodeURIComponent(redis)}`, addHere: false, dispose: none };
    case "amqp+postgres":
      return {
        url: `${BENCH_URLS.amqp}?store=${encodeURIComponent(postgres)}`,
        addHere: false,
        dispose: dropSchema,
      };
    default:
      throw new Error(`no worker-process support for ${name}`);
  }
}

/** What the child reported. */
export interface ChildReport {
  maxRssBytes: number;
  seconds: number;
  /** [ms since worker start, rss bytes] every 10 s. */
  samples: Array<[number, number]>;
}

/**
 * Drains `jobs` no-op jobs through a worker process at `concurrency`. `feed` (if given) adds jobs as the
 * child reports progress; otherwise every job is added before the child starts.
 */
export async function runWorkerProcess(
  name: string,
  jobs: number,
  concurrency: number,
  backlog?: number,
): Promise<ChildReport> {
  const system = systemUrl(name);
  const queueName = `bench-${randomBytes(3).toString("hex")}`;
  const backend = system.addHere ? undefined : await createBackend(system.url);
  const queue = backend
    ? new Queue(queueName, { backend, defaultJobOptions: { removeOnComplete: true } })
    : undefined;
  let added = 0;
  const addUpTo = async (target: number): Promise<void> => {
    while (queue && added < Math.min(target, jobs)) {
      const n = Math.min(1000, jobs - added);
      await queue.addBulk(Array.from({ length: n }, () => ({ name: "noop", data: {} })));
      added += n;
    }
  };
  try {
    await addUpTo(backlog ?? jobs);
    const child = spawn(
      process.execPath,
      ["bench/worker-child.mjs", system.url, queueName, String(jobs), String(concurrency)].concat(
        system.addHere ? ["--add-here"] : [],
      ),
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const samples: Array<[number, number]> = [];
    let result: { maxRssBytes: number; seconds: number } | undefined;
    let feeding = Promise.resolve();
    for await (const line of createInterface({ input: child.stdout })) {
      const [kind, a, b] = line.split(" ");
      if (kind === "done" && backlog !== undefined) {
        const done = Number(a);
        feeding = feeding.then(() => addUpTo(done + backlog));
      } else if (kind === "rss") {
        samples.push([Number(a), Number(b)]);
        console.error(
          `  ${name} rss at ${Math.round(Number(a) / 1000)} s: ${(Number(b) / 2 ** 20).toFixed(1)} MiB`,
        );
      } else if (kind === "result") {
        result = JSON.parse(line.slice("result ".length)) as { maxRssBytes: number; seconds: number };
      }
    }
    await feeding;
    if (!result) throw new Error(`worker process for ${name} ended without a result`);
    return { ...result, samples };
  } finally {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await backend?.close();
    await system.dispose();
  }
}

/** Least-squares slope of RSS over time, in MiB per minute. */
export function rssSlope(samples: Array<[number, number]>): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((s, [x]) => s + x, 0) / n;
  const my = samples.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of samples) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : ((num / den) * 60_000) / 2 ** 20;
}
