// /metrics after a run, on every backend: the counters equal the jobs processed, though the metrics process
// runs no worker (they follow the event stream); the queue gauge equals getJobCounts; a scrape costs one
// batched snapshotQueues call for the whole queue set.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { Registry } from "prom-client";
import { afterAll, describe, expect, it } from "vitest";
import {
  AmqpBackend,
  JOB_STATES,
  MemoryBackend,
  PostgresBackend,
  PostgresStore,
  Queue,
  RedisBackend,
  RedisStore,
  Worker,
  type Backend,
} from "../../../src/index.js";
import { collectMetrics } from "../../../src/metrics/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { uniqueQueueName } from "../../helpers/harness.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const prefix = `wm-${randomBytes(4).toString("hex")}`;
const schema = `wm_${randomBytes(4).toString("hex")}`;
const [redis, postgres, rabbitmq] = [
  await requireService("redis"),
  await requireService("postgres"),
  await requireService("rabbitmq"),
];

interface Target {
  name: string;
  reachable: boolean;
  /** A new backend object, as another process would open one (memory: the same one, it lives in-process). */
  open: () => Backend;
}

const memory = new MemoryBackend();
const postgresOptions = { url: SERVICE_URLS.postgres, schema, poolSize: 2, onError: () => {} };
const amqp = (store: () => RedisStore | PostgresStore) => () =>
  new AmqpBackend({
    url: SERVICE_URLS.rabbitmq,
    store: store(),
    exchange: "warren-metrics-test",
    onError: () => {},
  });
const targets: Target[] = [
  { name: "memory", reachable: true, open: () => memory },
  { name: "redis", reachable: redis, open: () => new RedisBackend({ url: SERVICE_URLS.redis, prefix }) },
  { name: "postgres", reachable: postgres, open: () => new PostgresBackend(postgresOptions) },
  {
    name: "amqp+redis",
    reachable: rabbitmq && redis,
    open: amqp(() => new RedisStore({ url: SERVICE_URLS.redis, prefix })),
  },
  {
    name: "amqp+postgres",
    reachable: rabbitmq && postgres,
    open: amqp(() => new PostgresStore(postgresOptions)),
  },
];

afterAll(async () => {
  await memory.close();
  if (!postgres) return;
  const pool = new pg.Pool({ connectionString: SERVICE_URLS.postgres, max: 1 });
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

/** The value of one series, or undefined when the registry has none with exactly these labels. */
async function value(registry: Registry, name: string, labels: Record<string, string>, suffix = "") {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const wanted = `${name}${suffix}`;
  return metric?.values.find(
    (v) =>
      (v as { metricName?: string }).metricName === (suffix ? wanted : undefined) &&
      Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l),
  )?.value;
}

describe.each(targets)("metrics on $name", ({ name, reachable, open }) => {
  it.runIf(reachable)(
    "count every job from the event stream and read the gauges in one batched call",
    async () => {
      const exporter = open();
      const workerSide = open();
      const queueName = uniqueQueueName("metrics");
      const registry = new Registry();
      // Counted, not faked: the exporter's real backend, with its batched read and per-queue count watched.
      const calls = { snapshot: 0, count: 0 };
      const snapshotQueues = exporter.snapshotQueues.bind(exporter);
      const countJobs = exporter.countJobs.bind(exporter);
      exporter.snapshotQueues = (queues) => ((calls.snapshot += 1), snapshotQueues(queues));
      exporter.countJobs = (queue, states) => ((calls.count += 1), countJobs(queue, states));
      const metrics = collectMetrics({ backend: exporter, registry, queues: [queueName] });
      const queue = new Queue<{ fail: boolean }>(queueName, { backend: workerSide });
      let worker: Worker<{ fail: boolean }> | undefined;
      try {
        await metrics.waitUntilReady();
        const jobs = await queue.addBulk([
          ...Array.from({ length: 8 }, () => ({ name: "ok", data: { fail: false } })),
          ...Array.from({ length: 3 }, () => ({
            name: "bad",
            data: { fail: true },
            opts: { attempts: 2, backoff: 0 },
          })),
        ]);
        worker = new Worker<{ fail: boolean }>(
          queueName,
          (job) => {
            if (job.data.fail) throw new Error("bad");
            return "ok";
          },
          { backend: workerSide, concurrency: 3 },
        );
        await Promise.all(
          jobs.map((job) => job.waitUntilFinished({ timeout: 30_000 }).catch(() => undefined)),
        );
        const at = { queue: queueName };
        // Events reach the exporter a little after the producer saw the result: poll, with a deadline.
        await waitFor(async () => (await value(registry, "warren_jobs_completed_total", at)) === 8, {
          message: `${name}: 8 completions counted`,
          timeout: 15_000,
        });
        await waitFor(
          async () => (await value(registry, "warren_jobs_failed_total", { ...at, final: "true" })) === 3,
          {
            message: `${name}: 3 final failures counted`,
            timeout: 15_000,
          },
        );
        expect(await value(registry, "warren_jobs_added_total", at)).toBe(11);
        expect(await value(registry, "warren_jobs_failed_total", { ...at, final: "false" })).toBe(3);
        expect(await value(registry, "warren_jobs_retried_total", at)).toBe(3);
        expect(await value(registry, "warren_jobs_dead_lettered_total", at)).toBe(3);
        // 8 + 3 × 2 tries: each started once after waiting, and each ran.
        expect(await value(registry, "warren_job_wait_seconds", at, "_count")).toBe(14);
        expect(await value(registry, "warren_job_run_seconds", at, "_count")).toBe(14);
        expect(await value(registry, "warren_job_run_seconds", { ...at, le: "600" }, "_bucket")).toBe(14);

        expect(await value(registry, "warren_workers_online", at)).toBe(1);
        expect(await value(registry, "warren_worker_concurrency", at)).toBe(3);
        const counts = await queue.getJobCounts();
        for (const state of JOB_STATES) {
          expect({ state, n: await value(registry, "warren_queue_jobs", { ...at, state }) }).toEqual({
            state,
            n: counts[state],
          });
        }
        expect(await value(registry, "warren_queue_oldest_waiting_seconds", at)).toBe(0);

        calls.snapshot = 0;
        calls.count = 0;
        const text = await registry.metrics();
        expect(calls).toEqual({ snapshot: 1, count: 0 });
        expect(text).toContain(`warren_queue_jobs{queue="${queueName}",state="completed"} 8`);
        expect(text).not.toMatch(/job_?id/i);
      } finally {
        await worker?.close();
        await metrics.close();
        await queue.obliterate({ force: true }).catch(() => undefined);
        if (exporter !== memory) await Promise.all([exporter.close(), workerSide.close()]);
      }
    },
  );
});

describe("collectMetrics", () => {
  it("refuses a second collection on one registry, and close frees it", async () => {
    const registry = new Registry();
    const first = collectMetrics({ backend: memory, registry });
    expect(() => collectMetrics({ backend: memory, registry })).toThrow(
      expect.objectContaining({ code: "CONFLICT" }),
    );
    await first.close();
    const second = collectMetrics({ backend: memory, registry });
    await second.close();
    await second.close();
  });

  it("refuses bad options with a typed error", () => {
    expect(() => collectMetrics({ backend: memory, queues: [] })).toThrow(
      expect.objectContaining({ code: "INVALID_OPTION" }),
    );
    expect(() => collectMetrics({ backend: memory, queues: ["bad name"] })).toThrow(
      expect.objectContaining({ code: "INVALID_QUEUE_NAME" }),
    );
    expect(() => collectMetrics({ backend: {} as Backend })).toThrow(
      expect.objectContaining({ code: "INVALID_OPTION" }),
    );
  });

  it("reports the longest wait of a queue nobody serves", async () => {
    const registry = new Registry();
    const queue = new Queue(uniqueQueueName("waiting"), { backend: memory });
    const metrics = collectMetrics({ backend: memory, registry, queues: ["#"] });
    const job = await queue.add("n", {});
    const readyAt = (await memory.getJob(queue.name, job.id))!.readyAt!;
    await waitFor(() => memory.clock.now() > readyAt, { message: "time to pass" });
    const waited = await value(registry, "warren_queue_oldest_waiting_seconds", { queue: queue.name });
    expect(waited).toBeGreaterThan(0);
    expect(await value(registry, "warren_queue_jobs", { queue: queue.name, state: "waiting" })).toBe(1);
    await metrics.close();
    await queue.obliterate({ force: true });
  });
});
