// Servers and shapes shared by Warren's systems and the peers' (bench/peers/*.ts read the same variables).
export const BENCH_URLS = {
  amqp: process.env["WARREN_BENCH_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672",
  redis: process.env["WARREN_BENCH_REDIS_URL"] ?? "redis://127.0.0.1:6379/0",
  postgres: process.env["WARREN_BENCH_POSTGRES_URL"] ?? "postgres://postgres@127.0.0.1:5432/test",
} as const;

export interface ProcessRateOptions {
  jobs: number;
  concurrency: number;
}

/** Measures one run; resolves to jobs per second. */
export type MeasureProcessRate = (options: ProcessRateOptions) => Promise<number>;
