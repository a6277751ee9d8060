// pg-boss (v10) process rate, measured like bench/process-rate.ts measures Warren: insert every job first
// (boss.insert, 1000 a call), then start consuming with concurrency C and a no-op handler, and time from
// worker start until the last job is marked completed in Postgres.
//
// pg-boss's tuned setting for throughput: batch fetching. boss.work(name, { batchSize }) hands the handler
// an array of jobs and completes them together with one query; W such workers with batchSize C/W keep at
// most C jobs in hand, which is concurrency C. One worker fetching C at a time is the fastest split here
// (measured: 20000 jobs, C=100, with selfNotify: W=1 2700/s, W=2 1800/s, W=4 1400/s, W=10 600/s), so W
// defaults to 1. Its worker loop sleeps out the rest of the polling interval (minimum 0.5 s) after every
// fetch, even a full one, so each worker takes at most one batch per 0.5 s: the rate is capped near
// 2·C jobs/s however C is split. `selfNotify` is the public way around that
// (boss.notifyWorker(id) skips the next sleep): the handler wakes its own worker when its batch was full,
// so a busy worker fetches again at once. It is reported as a separate row, pg-boss+notify.
//
// work() completes a batch without awaiting it, so the clock stops when a count of the queue's unfinished
// jobs (created, retry, active) reaches zero, polled every 5 ms once the handlers have seen every job.
// Each run uses its own schema (pgboss_bench), and drops it afterwards.
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import PgBoss from "pg-boss";
import { addCount, timeAdds, type AddMode } from "../add-modes.js";

export interface ProcessRateOptions {
  jobs: number;
  concurrency: number;
}

export interface PgBossTuning {
  /** Number of boss.work() workers; each fetches concurrency / workers jobs at a time. */
  workers?: number;
  /** Wake a worker again at once after a full batch instead of sleeping out the polling interval. */
  selfNotify?: boolean;
}

const DATABASE = process.env["WARREN_BENCH_POSTGRES_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
const SCHEMA = "pgboss_bench";

async function dropSchema(): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  } finally {
    await client.end();
  }
}

export async function measureProcessRate(
  { jobs, concurrency }: ProcessRateOptions,
  { workers = 1, selfNotify = false }: PgBossTuning = {},
): Promise<number> {
  const teams = Math.max(1, Math.min(workers, concurrency));
  const batchSize = Math.floor(concurrency / teams);
  await dropSchema();
  const boss = new PgBoss({
    connectionString: DATABASE,
    schema: SCHEMA,
    max: teams + 4,
    supervise: false,
    schedule: false,
  });
  const errors: Error[] = [];
  boss.on("error", (error) => errors.push(error));
  await boss.start();
  const name = `bench-${randomBytes(3).toString("hex")}`;
  await boss.createQueue(name);
  for (let added = 0; added < jobs; added += 1000) {
    await boss.insert(Array.from({ length: Math.min(1000, jobs - added) }, () => ({ name, data: {} })));
  }

  let handled = 0;
  let seenAll!: () => void;
  const allSeen = new Promise<void>((resolve) => (seenAll = resolve));
  const started = performance.now();
  for (let i = 0; i < teams; i++) {
    const id: string = await boss.work(name, { batchSize, pollingIntervalSeconds: 0.5 }, (batch) => {
      handled += batch.length;
      if (handled === jobs) seenAll();
      if (selfNotify && batch.length === batchSize) boss.notifyWorker(id);
      return Promise.resolve();
    });
  }
  await allSeen;
  while ((await boss.getQueueSize(name, { before: "completed" })) > 0) await sleep(5);
  const seconds = (performance.now() - started) / 1000;

  // boss.deleteQueue(name) fails in 10.4.2 while completed jobs still reference the queue (q_fkey), so
  // the cleanup is dropping the whole schema, which takes the queue, its partition and the jobs with it.
  await boss.offWork(name);
  await boss.stop({ graceful: false });
  await dropSchema();
  if (errors.length > 0) throw new Error(`pg-boss reported ${errors.length} error(s): ${errors[0]!.message}`);
  return jobs / seconds;
}

/** Adds jobs in `mode` (see bench/add-modes.ts): send() one at a time, insert() in bulk; jobs per second. */
export async function measureAddRate(mode: AddMode, jobs: number): Promise<number> {
  await dropSchema();
  const boss = new PgBoss({
    connectionString: DATABASE,
    schema: SCHEMA,
    max: 10,
    supervise: false,
    schedule: false,
  });
  boss.on("error", () => undefined);
  await boss.start();
  const name = `bench-${randomBytes(3).toString("hex")}`;
  await boss.createQueue(name);
  await boss.send(name, {});
  const rate = await timeAdds(
    mode,
    addCount(mode, jobs),
    () => boss.send(name, {}),
    (n) => boss.insert(Array.from({ length: n }, () => ({ name, data: {} }))),
  );
  await boss.stop({ graceful: false });
  await dropSchema();
  return rate;
}
