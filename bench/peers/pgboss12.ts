// pg-boss 12 (the current major, installed as the alias pg-boss-12 beside pg-boss 10), measured like
// bench/peers/pgboss.ts measures pg-boss 10: insert every job first (boss.insert, 1000 a call), then one
// worker drains them with a no-op handler; time from worker start until no job of the queue is unfinished.
//
// Its tuned setting for throughput, as the issue names it: batch fetching of 1,000 jobs with
// `burstWhenBatchFull`, which fetches again at once while batches come back full (pg-boss 12's own answer to
// pg-boss 10's sleep after every fetch). `batchSize` is 1,000 whatever the bench's concurrency: that is
// pg-boss's best figure, holding ten times the jobs in hand that Warren's worker does at concurrency 100.
// pg-boss 12 declares Node ≥ 22.12 in `engines`; it runs on Node 20 here. Each run uses its own schema
// (pgboss12_bench) and drops it afterwards.
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { PgBoss } from "pg-boss-12";
import { addCount, timeAdds, type AddMode } from "../add-modes.js";

export interface ProcessRateOptions {
  jobs: number;
  concurrency: number;
}

const DATABASE = process.env["WARREN_BENCH_POSTGRES_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
const SCHEMA = "pgboss12_bench";
const BATCH_SIZE = 1_000;

async function onDatabase<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: DATABASE });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const dropSchema = (): Promise<unknown> =>
  onDatabase((client) => client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`));

async function startBoss(max: number): Promise<PgBoss> {
  await dropSchema();
  const boss = new PgBoss({
    connectionString: DATABASE,
    schema: SCHEMA,
    max,
    supervise: false,
    schedule: false,
  });
  boss.on("error", () => undefined);
  await boss.start();
  return boss;
}

export async function measureProcessRate({ jobs }: ProcessRateOptions): Promise<number> {
  const boss = await startBoss(6);
  const name = `bench-${randomBytes(3).toString("hex")}`;
  await boss.createQueue(name);
  for (let added = 0; added < jobs; added += 1000) {
    await boss.insert(
      name,
      Array.from({ length: Math.min(1000, jobs - added) }, () => ({ data: {} })),
    );
  }
  let handled = 0;
  let seenAll!: () => void;
  const allSeen = new Promise<void>((resolve) => (seenAll = resolve));
  const started = performance.now();
  await boss.work(
    name,
    { batchSize: BATCH_SIZE, burstWhenBatchFull: true, pollingIntervalSeconds: 0.5 },
    (batch) => {
      handled += batch.length;
      if (handled >= jobs) seenAll();
      return Promise.resolve();
    },
  );
  await allSeen;
  // The handler returns before its batch is marked completed: the clock stops when nothing is unfinished.
  const unfinished = (): Promise<number> =>
    onDatabase(async (client) => {
      const result = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${SCHEMA}.job WHERE name = $1 AND state IN ('created', 'retry', 'active')`,
        [name],
      );
      return Number(result.rows[0]!.n);
    });
  while ((await unfinished()) > 0) await sleep(5);
  const seconds = (performance.now() - started) / 1000;
  await boss.offWork(name);
  await boss.stop({ graceful: false });
  await dropSchema();
  return jobs / seconds;
}

/** Adds jobs in `mode` (see bench/add-modes.ts): send() one at a time, insert() in bulk; jobs per second. */
export async function measureAddRate(mode: AddMode, jobs: number): Promise<number> {
  const boss = await startBoss(10);
  const name = `bench-${randomBytes(3).toString("hex")}`;
  await boss.createQueue(name);
  await boss.send(name, {});
  const rate = await timeAdds(
    mode,
    addCount(mode, jobs),
    () => boss.send(name, {}),
    (n) =>
      boss.insert(
        name,
        Array.from({ length: n }, () => ({ data: {} })),
      ),
  );
  await boss.stop({ graceful: false });
  await dropSchema();
  return rate;
}
