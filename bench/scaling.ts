// `npm run bench:scaling`: how the process rate grows with worker processes on this machine, per backend.
//   npm run bench:scaling -- [--jobs 20000] [--concurrency 50] [--workers 1,2,4] [--runs 2]
//                            [--systems redis,postgres,amqp+redis,amqp+postgres] [--out bench/SCALING.md]
// Each run adds N no-op jobs in bulk (removeOnComplete), starts W worker processes (bench/scaling-child.mjs,
// concurrency C each), waits until every one has opened its backend, then tells them all to go at once:
// rate = N / (time from "go" to the last completion, summed from what the children report). Runs are
// interleaved (each worker count once per round) so drift hits all alike; the table gives the median.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpus, totalmem } from "node:os";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { createBackend, Queue } from "../src/index.js";
import { addNoopJobs } from "./add-modes.js";
import { systemUrl } from "./worker-process.js";

const SYSTEMS = ["redis", "postgres", "amqp+redis", "amqp+postgres"];
const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "20000" },
    concurrency: { type: "string", default: "50" },
    workers: { type: "string", default: "1,2,4" },
    runs: { type: "string", default: "2" },
    systems: { type: "string", default: SYSTEMS.join(",") },
    out: { type: "string", default: "bench/SCALING.md" },
  },
});
const JOBS = Number(values.jobs);
const CONCURRENCY = Number(values.concurrency);
const RUNS = Number(values.runs);
const WORKER_COUNTS = values.workers.split(",").map(Number);
const chosen = values.systems.split(",").map((name) => name.trim());
for (const name of chosen) {
  if (!SYSTEMS.includes(name)) throw new Error(`unknown system ${name}; choose from ${SYSTEMS.join(", ")}`);
}
for (const n of [JOBS, CONCURRENCY, RUNS, ...WORKER_COUNTS]) {
  if (!Number.isInteger(n) || n < 1)
    throw new Error("--jobs, --concurrency, --runs and --workers take positive integers");
}

/** Linux's clock ticks per second (USER_HZ), the unit of /proc/<pid>/stat's utime and stime. */
const TICKS_PER_SECOND = 100;
const SERVERS: Record<string, (comm: string, cmdline: string) => boolean> = {
  redis: (comm, cmdline) => comm === "redis-server" && cmdline.includes(":6379"),
  postgres: (comm) => comm === "postgres",
  rabbitmq: (comm) => comm === "beam.smp",
};

/** CPU seconds used so far by each process, by pid (a process gone meanwhile is left out). */
function cpuByPid(pids: number[]): Map<number, number> {
  const used = new Map<number, number>();
  for (const pid of pids) {
    try {
      // Fields after the parenthesised command name: utime is the 12th, stime the 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      used.set(pid, (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND);
    } catch {
      // Gone: a PostgreSQL backend whose connection closed.
    }
  }
  return used;
}

/** CPU seconds used between two readings; a process started in between counts from zero. */
function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let seconds = 0;
  for (const [pid, used] of after) seconds += used - (before.get(pid) ?? 0);
  return seconds;
}

/** The pids of the servers the bench talks to, by server. */
function serverPids(): Record<string, number[]> {
  const found: Record<string, number[]> = Object.fromEntries(Object.keys(SERVERS).map((name) => [name, []]));
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, "utf8").trim();
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      for (const [name, matches] of Object.entries(SERVERS))
        if (matches(comm, cmdline)) found[name]!.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}

/** What one run measured: the rate, and the cores the workers and each server kept busy meanwhile. */
interface RunResult {
  rate: number;
  workerCores: number;
  serverCores: Record<string, number>;
}

interface Child {
  process: ChildProcess;
  done: number;
  ready: Promise<void>;
  exited: Promise<void>;
}

function startChild(url: string, queue: string): Child {
  const child = spawn(process.execPath, ["bench/scaling-child.mjs", url, queue, String(CONCURRENCY)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const state: Child = {
    process: child,
    done: 0,
    ready: Promise.resolve(),
    exited: new Promise((resolve) => child.once("exit", () => resolve())),
  };
  state.ready = new Promise((resolve, reject) => {
    child.once("exit", (code) =>
      reject(new Error(`a scaling worker exited with ${code} before it was ready`)),
    );
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (line === "ready") resolve();
      else if (line.startsWith("done ")) state.done = Number(line.slice(5));
    });
  });
  return state;
}

/** One run: jobs per second through `workers` worker processes. */
async function measure(system: string, workers: number): Promise<RunResult> {
  const target = systemUrl(system);
  const queueName = `scale-${randomBytes(3).toString("hex")}`;
  const backend = await createBackend(target.url);
  const queue = new Queue(queueName, { backend, defaultJobOptions: { removeOnComplete: true } });
  const children: Child[] = [];
  try {
    await addNoopJobs(queue, JOBS);
    for (let i = 0; i < workers; i++) children.push(startChild(target.url, queueName));
    await Promise.all(children.map((child) => child.ready));
    const childPids = children.map((child) => child.process.pid!);
    // PostgreSQL forks a server process per connection, and the workers connect once they run: the server
    // processes are looked up again at the end, and one new since the start counts from zero.
    const serversBefore = Object.entries(serverPids()).map(([name, pids]) => [name, cpuByPid(pids)] as const);
    const workersBefore = cpuByPid(childPids);
    const started = performance.now();
    for (const child of children) child.process.stdin!.write("go\n");
    const deadline = started + 300_000;
    // The children report every 100 ms; the last report lands within 100 ms of the last completion.
    while (children.reduce((sum, child) => sum + child.done, 0) < JOBS) {
      if (performance.now() > deadline)
        throw new Error(`${system}: ${workers} workers did not finish in 300 s`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const seconds = (performance.now() - started) / 1000;
    const serversAfter = serverPids();
    const serverCores = Object.fromEntries(
      serversBefore.map(([name, before]) => [
        name,
        cpuBetween(before, cpuByPid(serversAfter[name]!)) / seconds,
      ]),
    );
    const workerCores = cpuBetween(workersBefore, cpuByPid(childPids)) / seconds;
    return { rate: JOBS / seconds, workerCores, serverCores };
  } finally {
    for (const child of children) child.process.stdin!.end("stop\n");
    await Promise.all(children.map((child) => child.exited));
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await backend.close();
    await target.dispose();
  }
}

const results = new Map<string, RunResult[]>();
for (let run = 1; run <= RUNS; run++) {
  for (const system of chosen) {
    for (const workers of WORKER_COUNTS) {
      const result = await measure(system, workers);
      const key = `${system}/${workers}`;
      results.set(key, [...(results.get(key) ?? []), result]);
      console.log(
        `run ${run}: ${system}, ${workers} worker process(es): ${Math.round(result.rate)} jobs/s; cores busy: ` +
          `workers ${result.workerCores.toFixed(2)}, ${busyServers(result)}`,
      );
    }
  }
}

function busyServers(result: RunResult): string {
  return Object.entries(result.serverCores)
    .filter(([, cores]) => cores >= 0.05)
    .map(([name, cores]) => `${name} ${cores.toFixed(2)}`)
    .join(", ");
}

/** The run of median rate (its CPU figures go with it). */
function medianRun(key: string): RunResult {
  const runs = [...results.get(key)!].sort((a, b) => a.rate - b.rate);
  return runs[Math.floor((runs.length - 1) / 2)]!;
}

const header = `| backend | ${WORKER_COUNTS.map((w) => `${w} process${w > 1 ? "es" : ""}`).join(" | ")} |`;
const rows = chosen.map((system) => {
  const base = medianRun(`${system}/${WORKER_COUNTS[0]}`).rate;
  const cells = WORKER_COUNTS.map((workers) => {
    const run = medianRun(`${system}/${workers}`);
    const ratio = workers === WORKER_COUNTS[0] ? "" : ` (${(run.rate / base).toFixed(2)}×)`;
    return `${Math.round(run.rate)}${ratio}; ${run.workerCores.toFixed(2)} + ${busyServers(run)}`;
  });
  return `| ${system} | ${cells.join(" | ")} |`;
});
const table = [header, `| --- | ${WORKER_COUNTS.map(() => "---").join(" | ")} |`, ...rows].join("\n");
const report = [
  "# Scaling with worker processes",
  "",
  `Made by \`npm run bench:scaling\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores ` +
    `(${cpus()[0]?.model ?? "unknown"}), ${Math.round(totalmem() / 2 ** 30)} GiB, the servers on the same machine. ` +
    `${JOBS} no-op jobs, concurrency ${CONCURRENCY} per process, the run of median rate out of ${RUNS} ` +
    `interleaved ones. Each cell: jobs/s (the ratio to one process); the cores kept busy meanwhile by the ` +
    `worker processes together + by each server (CPU seconds from /proc over the run's wall time).`,
  "",
  table,
  "",
].join("\n");
console.log(`\n${table}`);
writeFileSync(values.out, report);
