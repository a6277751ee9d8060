// Processed jobs per second with a no-op processor, per backend: `npx tsx bench/process-rate.ts [--jobs N]
// [--concurrency C] [--runs R] [--backends memory,redis,amqp+redis]`. Jobs are added first (bulk), then one
// worker drains them; the figure is jobs / time from worker start to the last completion. Prints a table.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { AmqpBackend } from "../src/backend/amqp/index.js";
import { MemoryBackend, MemoryStore } from "../src/backend/memory/index.js";
import { RedisBackend, RedisStore } from "../src/backend/redis/index.js";
import { Queue, Worker, type Backend } from "../src/index.js";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "20000" },
    concurrency: { type: "string", default: "100" },
    runs: { type: "string", default: "3" },
    backends: { type: "string", default: "memory,redis,amqp+memory,amqp+redis" },
  },
});
const JOBS = Number(values.jobs);
const CONCURRENCY = Number(values.concurrency);
const RUNS = Number(values.runs);
const AMQP = process.env["WARREN_BENCH_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672";
const REDIS = process.env["WARREN_BENCH_REDIS_URL"] ?? "redis://127.0.0.1:6379/0";

const factories: Record<string, () => Backend> = {
  memory: () => new MemoryBackend(),
  redis: () => new RedisBackend({ url: REDIS, prefix: `bench-${randomBytes(3).toString("hex")}` }),
  "amqp+memory": () => new AmqpBackend({ url: AMQP, store: new MemoryStore(), exchange: "warren-bench" }),
  "amqp+redis": () =>
    new AmqpBackend({
      url: AMQP,
      store: new RedisStore({ url: REDIS, prefix: `bench-${randomBytes(3).toString("hex")}` }),
      exchange: "warren-bench",
    }),
};

async function measure(make: () => Backend): Promise<number> {
  const backend = make();
  const queue = new Queue(`bench-${randomBytes(3).toString("hex")}`, { backend });
  for (let added = 0; added < JOBS; added += 1000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1000, JOBS - added) }, () => ({ name: "noop", data: {} })),
    );
  }
  let done = 0;
  let finished!: () => void;
  const allDone = new Promise<void>((resolve) => (finished = resolve));
  const started = performance.now();
  const worker = new Worker(queue.name, () => undefined, { backend, concurrency: CONCURRENCY });
  worker.on("completed", () => {
    if (++done === JOBS) finished();
  });
  await allDone;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await backend.close();
  return JOBS / seconds;
}

const rows: Array<[string, string, string]> = [];
for (const name of values.backends.split(",")) {
  const make = factories[name];
  if (!make) throw new Error(`unknown backend ${name}; choose from ${Object.keys(factories).join(", ")}`);
  const rates: number[] = [];
  for (let i = 0; i < RUNS; i++) rates.push(await measure(make));
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)]!;
  rows.push([name, Math.round(median).toString(), `${Math.round(rates[0]!)}–${Math.round(rates.at(-1)!)}`]);
  console.error(`${name}: ${rates.map((r) => Math.round(r)).join(", ")} jobs/s`);
}
console.log(`\nprocess rate, no-op processor, ${JOBS} jobs, concurrency ${CONCURRENCY}, median of ${RUNS}`);
console.log("| backend | jobs/s (median) | min–max |\n| --- | ---: | ---: |");
for (const [name, median, range] of rows) console.log(`| ${name} | ${median} | ${range} |`);
