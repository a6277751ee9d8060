// Removes everything a run left on the shared servers: its Redis keys, its PostgreSQL schema, its broker
// queues and exchanges. Only names carrying the run's id are touched.
import { Redis } from "ioredis";
import pg from "pg";
import { deleteAmqpTopology } from "./faults/amqp-cut.js";

/** Where the run's data lives (unisolated server URLs). */
export interface RunFootprint {
  runId: string;
  redisUrl: string | undefined;
  postgresUrl: string | undefined;
  amqp: boolean;
}

/** Best effort: a failure is returned as text for the report, never thrown. */
export async function removeRunData(footprint: RunFootprint): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (what: string, work: () => Promise<void>): Promise<void> => {
    try {
      await work();
    } catch (error) {
      problems.push(`cleanup of ${what}: ${(error as Error).message}`);
    }
  };
  if (footprint.redisUrl)
    await attempt("redis keys", () => deleteRedisKeys(footprint.redisUrl!, `torture-${footprint.runId}`));
  if (footprint.postgresUrl)
    await attempt("postgres schema", () => dropSchema(footprint.postgresUrl!, `torture_${footprint.runId}`));
  if (footprint.amqp)
    await attempt("broker topology", () => deleteAmqpTopology(`torture-${footprint.runId}`));
  return problems;
}

async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectionName: `${prefix}-cleanup`,
    maxRetriesPerRequest: 1,
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `*${prefix}*`, "COUNT", 1000);
      if (keys.length > 0) await client.unlink(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    client.disconnect();
  }
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, application_name: `${schema}-cleanup` });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
