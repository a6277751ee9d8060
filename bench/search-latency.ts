// `npm run bench:search`: what a job search costs next to a plain listing, on Redis and PostgreSQL. Each system
// gets a queue of 10,000 jobs in a realistic mix (70% completed, 20% failed with a reason, 10% delayed), then
// each query runs `--runs` times in turn and the table gives its p50 and p95 in ms. The searches use the
// default bound (scanLimit 10,000), so every one of them examines the whole queue: the worst case of the bound.
//   npm run bench:search -- [--jobs 10000] [--runs 50] [--systems redis,postgres] [--trigram]
// `--trigram` adds a system "postgres+trgm": the same, with a pg_trgm GIN index on the searched columns made
// before the fill, to show what it would change for a search; then it times fills without and with it,
// interleaved, for what it would cost every write.
import { parseArgs } from "node:util";
import pg from "pg";
import { JOB_STATES, PostgresBackend, Queue, RedisBackend, Worker, type Backend } from "../src/index.js";
import { BENCH_URLS } from "./bench-config.js";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "10000" },
    runs: { type: "string", default: "50" },
    systems: { type: "string", default: "redis,postgres" },
    trigram: { type: "boolean", default: false },
  },
});
const JOBS = Number(values.jobs);
const RUNS = Number(values.runs);
const WARMUP_RUNS = 3;
const FILL_BATCH = 1_000;
const WORKER_CONCURRENCY = 50;
/** Fills per PostgreSQL system in the `--trigram` write-cost comparison, interleaved. */
const WRITE_RUNS = 3;
const SYSTEMS = [
  ...values.systems.split(",").map((name) => name.trim()),
  ...(values.trigram ? ["postgres+trgm"] : []),
];

interface Data {
  orderId: string;
  customer: string;
  items: Array<{ sku: string; qty: number }>;
  fail: boolean;
  note: string;
}

/** One system under test: a backend on a fresh prefix or schema, and how to remove it afterwards. */
interface System {
  backend: Backend;
  /** Runs before the fill (the trigram index). */
  prepare(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * Fixed names, cleared before and after: a rerun reuses them rather than leaving a prefix behind (a named lock's
 * fence outlives its lock by design). Two runs at once on one server would collide.
 */
function openSystem(name: string): System {
  if (name === "redis") {
    const backend = new RedisBackend({ url: BENCH_URLS.redis, prefix: "bench-search" });
    return { backend, prepare: async () => {}, dispose: () => backend.close() };
  }
  if (name !== "postgres" && name !== "postgres+trgm") throw new Error(`unknown system ${name}`);
  const schema = name === "postgres" ? "bench_search" : "bench_search_trgm";
  const backend = new PostgresBackend({ url: BENCH_URLS.postgres, schema });
  const admin = new pg.Pool({ connectionString: BENCH_URLS.postgres, max: 1 });
  return {
    backend,
    prepare: async () => {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await backend.migrate();
      if (name !== "postgres+trgm") return;
      // The extension goes in the bench schema (dropped with it) unless the database already has it.
      await admin.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA "${schema}"`);
      const { rows } = await admin.query<{ nspname: string }>(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'",
      );
      const ops = `"${rows[0]!.nspname}".gin_trgm_ops`;
      await admin.query(
        `CREATE INDEX jobs_trgm ON "${schema}".jobs USING gin (id ${ops}, name ${ops}, failed_reason ${ops}, data ${ops})`,
      );
    },
    dispose: async () => {
      await backend.close();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    },
  };
}

/** How long a fill took: the adds, then the worker finishing all but the delayed tenth. */
interface FillTimes {
  addMs: number;
  finishMs: number;
}

/** Fills the queue: adds every job, then a worker finishes all but the delayed tenth; both timed. */
async function fill(queue: Queue<Data>, backend: Backend): Promise<FillTimes> {
  const started = performance.now();
  for (let from = 0; from < JOBS; from += FILL_BATCH) {
    await queue.addBulk(
      Array.from({ length: Math.min(FILL_BATCH, JOBS - from) }, (_, k) => {
        const i = from + k;
        return {
          name: i % 2 === 0 ? "charge-card" : "send-receipt",
          data: {
            orderId: `order-${String(i).padStart(6, "0")}`,
            customer: `customer-${i % 997}@example.com`,
            items: [
              { sku: `sku-${i % 101}`, qty: 1 + (i % 3) },
              { sku: `sku-${(i * 7) % 101}`, qty: 1 },
            ],
            fail: i % 10 < 2,
            note: "gift wrap, leave at the door",
          },
          opts: { delay: i % 10 === 9 ? 3_600_000 : 0, removeOnComplete: false, removeOnFail: false },
        };
      }),
    );
  }
  const addMs = performance.now() - started;
  const toFinish = JOBS - Math.floor(JOBS / 10);
  let finished = 0;
  const done = new Promise<void>((resolve) => {
    const worker = new Worker<Data>(
      queue.name,
      (job) => {
        if (job.data.fail) throw new Error(`card declined for ${job.data.orderId}: insufficient funds`);
        return { charged: true };
      },
      { backend, concurrency: WORKER_CONCURRENCY },
    );
    const count = (): void => {
      finished += 1;
      if (finished === toFinish) void worker.close().then(resolve);
    };
    worker.on("completed", count);
    worker.on("failed", count);
  });
  await done;
  return { addMs, finishMs: performance.now() - started - addMs };
}

/** p50 and p95 of `runs` timed calls, after a few untimed ones. */
async function time(call: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < WARMUP_RUNS; i++) await call();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await call();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number): number => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { p50: at(0.5), p95: at(0.95) };
}

const rows: string[] = [];
for (const name of SYSTEMS) {
  const system = openSystem(name);
  try {
    await system.prepare();
    const queue = new Queue<Data>("orders", { backend: system.backend });
    await queue.obliterate({ force: true });
    const { addMs, finishMs } = await fill(queue, system.backend);
    const counts = await queue.getJobCounts();
    console.error(
      `${name}: ${addMs.toFixed(0)} ms of adds, ${finishMs.toFixed(0)} ms to finish; ${JSON.stringify(counts)}`,
    );
    const queries: Array<[string, () => Promise<unknown>]> = [
      [
        "listJobs, every state, newest 100",
        () => queue.getJobs([...JOB_STATES], { limit: 100, order: "desc" }),
      ],
      ["listJobs, failed, newest 100", () => queue.getJobs("failed", { limit: 100, order: "desc" })],
      ["searchJobs hit, one job (an order id)", () => queue.searchJobs("order-004242")],
      ["searchJobs hit, 20% (failed reason), page of 100", () => queue.searchJobs("insufficient funds")],
      ["searchJobs hit, every job, page of 100", () => queue.searchJobs("EXAMPLE.COM")],
      ["searchJobs miss", () => queue.searchJobs("no such text anywhere")],
      [
        "searchJobs miss, failed only",
        () => queue.searchJobs("no such text anywhere", { states: ["failed"] }),
      ],
    ];
    for (const [label, call] of queries) {
      const { p50, p95 } = await time(call);
      rows.push(`| ${name} | ${label} | ${p50.toFixed(1)} | ${p95.toFixed(1)} |`);
      console.error(rows.at(-1));
    }
    await queue.obliterate({ force: true });
    await queue.close();
  } finally {
    await system.dispose();
  }
}
console.log(`\n${JOBS} jobs, ${RUNS} runs per query\n`);
console.log("| system | query | p50 ms | p95 ms |\n|---|---|---|---|");
console.log(rows.join("\n"));
if (values.trigram) await compareWriteCost();

/**
 * What the trigram index costs writes: the same fill on PostgreSQL without and with it, interleaved run by run so
 * the machine's drift hits both alike. Every state change rewrites the row (state is indexed, so no HOT update),
 * and a GIN index then gets the new row's trigrams too: the finish phase pays as well as the adds.
 */
async function compareWriteCost(): Promise<void> {
  const names = ["postgres", "postgres+trgm"];
  const systems = names.map(openSystem);
  const times = new Map<string, FillTimes[]>(names.map((name) => [name, []]));
  try {
    for (const system of systems) await system.prepare();
    for (let run = 0; run < WRITE_RUNS; run++) {
      for (const i of run % 2 === 0 ? [0, 1] : [1, 0]) {
        const queue = new Queue<Data>(`orders-${run}`, { backend: systems[i]!.backend });
        times.get(names[i]!)!.push(await fill(queue, systems[i]!.backend));
        await queue.obliterate({ force: true });
        await queue.close();
      }
    }
  } finally {
    for (const system of systems) await system.dispose();
  }
  const median = (list: number[]): number => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  console.log(
    `\nWrite cost: ${JOBS} adds, then a worker finishing 90% (median of ${WRITE_RUNS} interleaved fills)\n`,
  );
  console.log("| system | adds ms | finish ms | every run (adds / finish) |\n|---|---|---|---|");
  for (const name of names) {
    const list = times.get(name)!;
    const each = list.map((t) => `${t.addMs.toFixed(0)} / ${t.finishMs.toFixed(0)}`).join(", ");
    const add = median(list.map((t) => t.addMs)).toFixed(0);
    const finish = median(list.map((t) => t.finishMs)).toFixed(0);
    console.log(`| ${name} | ${add} | ${finish} | ${each} |`);
  }
}
