// `npm run bench:amqp-stages`: where an add's time goes on amqp+redis at 1,000 adds/s, a worker at concurrency
// 100 running: add call → add resolved, add call → the delivery taken by the worker's fetch, taken → processor
// start; and the latency of each store call and publish on the way. A profiling aid for the add→start row of
// `npm run bench` (it reaches into the transport's classes in dist/, which no application should).
//   npm run bench:amqp-stages -- [--jobs 2000]
import { parseArgs } from "node:util";
import { AmqpBackend, Queue, RedisStore, Worker } from "../dist/index.js";
import { ConsumerGroup } from "../dist/backend/amqp/consumer-group.js";
import { BENCH_URLS } from "./bench-config.js";

const { values } = parseArgs({ options: { jobs: { type: "string", default: "2000" } } });
const JOBS = Number(values.jobs);
const now = (): number => performance.now();

// When each job's delivery was taken from the consumer's buffer by a fetch.
const taken = new Map<string, number>();
const take = ConsumerGroup.prototype.take;
ConsumerGroup.prototype.take = function (this: ConsumerGroup, max: number, at: number) {
  const deliveries = take.call(this, max, at);
  const time = now();
  for (const delivery of deliveries) taken.set(String(delivery.message.properties.messageId), time);
  return deliveries;
};

/** Wraps `object[method]` to record each call's duration under `name`. */
const calls = new Map<string, number[]>();
function timeCalls(object: object, method: string, name = method): void {
  const target = object as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const original = target[method]!.bind(object);
  target[method] = async (...args: unknown[]) => {
    const start = now();
    try {
      return await original(...args);
    } finally {
      const list = calls.get(name) ?? [];
      list.push(now() - start);
      calls.set(name, list);
    }
  };
}

const prefix = `stages${process.pid}`;
const store = new RedisStore({ url: BENCH_URLS.redis, prefix });
const backend = new AmqpBackend({ url: BENCH_URLS.amqp, store });
for (const method of ["enqueue", "takeOutbox", "ackOutbox", "claimJobs"]) timeCalls(store, method);
const publisher = (backend as unknown as { delivery: { publisher: object } }).delivery.publisher;
timeCalls(publisher, "publishJobs");

const queue = new Queue<{ t: number }>(`stages-${prefix}`, {
  backend,
  defaultJobOptions: { removeOnComplete: true },
});
const started = new Map<string, number>();
let warmedUp!: () => void;
const warm = new Promise<void>((resolve) => (warmedUp = resolve));
const worker = new Worker<{ t: number }>(
  queue.name,
  (job) => (job.data.t === 0 ? warmedUp() : void started.set(job.id, now())),
  { backend, concurrency: 100 },
);
await queue.add("warm", { t: 0 });
await warm;
calls.clear();

const added = new Map<string, { called: number; resolved: number }>();
const adds: Array<Promise<unknown>> = [];
const t0 = now();
for (let i = 0; i < JOBS; i++) {
  const wait = t0 + i - now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const called = now();
  adds.push(queue.add("timed", { t: called }).then((job) => added.set(job.id, { called, resolved: now() })));
}
await Promise.all(adds);
const deadline = now() + 30_000;
while (started.size < JOBS && now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));

const percentile = (values: number[], p: number): string => {
  const sorted = [...values].sort((a, b) => a - b);
  return (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN).toFixed(1);
};
const row = (name: string, values: number[], extra = ""): void =>
  console.log(
    `| ${name} | ${percentile(values, 0.5)} | ${percentile(values, 0.9)} | ${percentile(values, 0.99)} | ${extra} |`,
  );
console.log(`${JOBS} adds at 1,000/s on amqp+redis, worker concurrency 100 (ms)\n`);
console.log("| stage | p50 | p90 | p99 | calls |\n| --- | ---: | ---: | ---: | ---: |");
const ids = [...added.keys()];
const span = (from: (id: string) => number | undefined, to: (id: string) => number | undefined): number[] =>
  ids.flatMap((id) => {
    const a = from(id);
    const b = to(id);
    return a === undefined || b === undefined ? [] : [b - a];
  });
row(
  "add call → add resolved",
  span(
    (id) => added.get(id)?.called,
    (id) => added.get(id)?.resolved,
  ),
);
row(
  "add call → taken by a fetch",
  span(
    (id) => added.get(id)?.called,
    (id) => taken.get(id),
  ),
);
row(
  "taken → processor start",
  span(
    (id) => taken.get(id),
    (id) => started.get(id),
  ),
);
row(
  "add call → processor start",
  span(
    (id) => added.get(id)?.called,
    (id) => started.get(id),
  ),
);
for (const [name, list] of calls) row(`\`${name}\``, list, String(list.length));
await worker.close();
await queue.obliterate({ force: true });
await backend.close();
