// Warren's backends as benchmark systems: each builds a fresh backend on a fresh prefix or schema, so runs
// never see each other's jobs, and cleans up after itself.
import { randomBytes } from "node:crypto";
import pg from "pg";
import {
  AmqpBackend,
  MemoryBackend,
  PostgresBackend,
  PostgresStore,
  Queue,
  RedisBackend,
  RedisStore,
  Worker,
  type Backend,
} from "../src/index.js";
import { addCount, addNoopJobs, timeAdds, type AddMode } from "./add-modes.js";
import { BENCH_URLS, type ProcessRateOptions } from "./bench-config.js";
import { LatencyRecorder, paceAdds } from "./latency.js";

/** Turns something on for one run's backend (metrics, tracing); returns how to turn it off. */
export type Instrument = (backend: Backend) => Promise<() => Promise<void>>;

interface WarrenSystem {
  create(): Backend;
  /** Drops what create() made on the server (a schema), after the backend is closed. */
  dispose?(): Promise<void>;
}

const tag = (): string => randomBytes(3).toString("hex");

function postgresSystem(wrap: (url: string, schema: string) => Backend): WarrenSystem {
  let schema = "";
  return {
    create() {
      schema = `bench_${tag()}`;
      return wrap(BENCH_URLS.postgres, schema);
    },
    async dispose() {
      const client = new pg.Client({ connectionString: BENCH_URLS.postgres });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}

/** Every Warren backend the bench knows, by name. */
export const WARREN_SYSTEMS: Record<string, WarrenSystem> = {
  memory: { create: () => new MemoryBackend() },
  redis: { create: () => new RedisBackend({ url: BENCH_URLS.redis, prefix: `bench-${tag()}` }) },
  postgres: postgresSystem((url, schema) => new PostgresBackend({ url, schema })),
  "amqp+redis": {
    create: () =>
      new AmqpBackend({
        url: BENCH_URLS.amqp,
        store: new RedisStore({ url: BENCH_URLS.redis, prefix: `bench-${tag()}` }),
        exchange: "warren-bench",
      }),
  },
  "amqp+postgres": postgresSystem(
    (url, schema) =>
      new AmqpBackend({
        url: BENCH_URLS.amqp,
        store: new PostgresStore({ url, schema }),
        exchange: "warren-bench",
      }),
  ),
};

/**
 * Adds every job first (bulk), then starts one worker with a no-op processor; the figure is jobs / time from
 * worker start to the last completion. Jobs use removeOnComplete, as the peers' do.
 */
export async function measureWarrenProcessRate(
  system: WarrenSystem,
  { jobs, concurrency }: ProcessRateOptions,
  instrument?: Instrument,
): Promise<number> {
  const backend = system.create();
  let uninstrument = await instrument?.(backend);
  try {
    const queue = new Queue(`bench-${tag()}`, { backend, defaultJobOptions: { removeOnComplete: true } });
    await addNoopJobs(queue, jobs);
    let done = 0;
    let finished!: () => void;
    const allDone = new Promise<void>((resolve) => (finished = resolve));
    const started = performance.now();
    const worker = new Worker(queue.name, () => undefined, { backend, concurrency });
    worker.on("completed", () => {
      if (++done === jobs) finished();
    });
    await allDone;
    const seconds = (performance.now() - started) / 1000;
    // Before obliterate, which deletes the queue's events an instrument may still be reading.
    await uninstrument?.();
    uninstrument = undefined;
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    return jobs / seconds;
  } finally {
    await uninstrument?.();
    await backend.close();
    await system.dispose?.();
  }
}

/** Adds jobs in `mode` to a fresh queue; jobs per second. */
export async function measureWarrenAddRate(
  system: WarrenSystem,
  mode: AddMode,
  jobs: number,
): Promise<number> {
  const backend = system.create();
  try {
    const queue = new Queue(`bench-${tag()}`, { backend });
    // One warm-up add: connections, schema and scripts are ready before the clock starts.
    await queue.add("warm", {});
    const rate = await timeAdds(
      mode,
      addCount(mode, jobs),
      () => queue.add("noop", {}),
      (n) => queue.addBulk(Array.from({ length: n }, () => ({ name: "noop", data: {} }))),
    );
    await queue.obliterate({ force: true });
    await queue.close();
    return rate;
  } finally {
    await backend.close();
    await system.dispose?.();
  }
}

/**
 * Add→start latency: a worker at concurrency 100 is running; jobs are added one by one at `rate` per second
 * for `seconds`. Returns p50 and p99 of start − send, in ms.
 */
export async function measureWarrenLatency(
  system: WarrenSystem,
  rate: number,
  seconds: number,
): Promise<{ p50: number; p99: number }> {
  const backend = system.create();
  try {
    const queue = new Queue<{ t: number }>(`bench-${tag()}`, {
      backend,
      defaultJobOptions: { removeOnComplete: true },
    });
    await queue.add("warm", { t: 0 });
    const recorder = new LatencyRecorder(rate * seconds);
    let warmedUp!: () => void;
    const ready = new Promise<void>((resolve) => (warmedUp = resolve));
    const worker = new Worker<{ t: number }>(
      queue.name,
      (job) => {
        if (job.data.t > 0) recorder.started(job.data.t);
        else warmedUp();
      },
      { backend, concurrency: 100 },
    );
    // The clock starts once the worker has run a job: its connections and consumers are up, as BullMQ's are
    // after waitUntilReady().
    await ready;
    await paceAdds(rate, seconds, (t) => queue.add("timed", { t }));
    await recorder.allStarted;
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    return recorder.percentiles();
  } finally {
    await backend.close();
    await system.dispose?.();
  }
}
