// The statements that settle a worker's batch (finish_fast, extend_locks) must do work in proportion to the
// batch whatever the planner's statistics say. Joined to their (id, token) pairs as a set, a stale estimate
// ("one active job") made a nested loop that rescanned the pairs once per row: 639,200 rows filtered out to
// finish 800 jobs. The test counts the rows the real plan looked at and threw away (EXPLAIN ANALYZE on a fresh
// schema, whose statistics are as stale as they get), not the time it took.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { PostgresBackend } from "../../../src/backend/postgres/index.js";
import { loadQueries } from "../../../src/backend/postgres/query-runner.js";
import { Queue } from "../../../src/index.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const reachable = await requireService("postgres");
const schema = `wt_${randomBytes(4).toString("hex")}`;
const BATCH = 800;

interface PlanNode {
  "Node Type"?: string;
  "Relation Name"?: string;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Join Filter"?: number;
  "Actual Loops"?: number;
  Plans?: PlanNode[];
}

/** Rows the plan read and discarded, over every node and every loop. */
function rowsDiscarded(node: PlanNode): number {
  const own =
    ((node["Rows Removed by Filter"] ?? 0) + (node["Rows Removed by Join Filter"] ?? 0)) *
    (node["Actual Loops"] ?? 1);
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsDiscarded(child), 0);
}

/** The tables a plan reads from start to end, over every node. */
function sequentialScans(node: PlanNode): string[] {
  const own = node["Node Type"] === "Seq Scan" ? [node["Relation Name"] ?? "?"] : [];
  return [...own, ...(node.Plans ?? []).flatMap(sequentialScans)];
}

/** A query's text as the backend runs it (fragments and schema put in). */
async function query(name: string): Promise<string> {
  return (await loadQueries(`"${schema}"`)).get(name)!.text;
}

/** Runs `work` with BATCH waiting jobs in a fresh queue and a plain client on the server; cleans up after. */
async function withWaitingJobs(work: (client: pg.Client, queue: Queue) => Promise<void>): Promise<void> {
  const backend = new PostgresBackend({ url: SERVICE_URLS.postgres, schema });
  const queue = new Queue(`q-${randomBytes(3).toString("hex")}`, {
    backend,
    defaultJobOptions: { removeOnComplete: true },
  });
  const client = new pg.Client({ connectionString: SERVICE_URLS.postgres });
  await client.connect();
  try {
    await queue.addBulk(Array.from({ length: BATCH }, (_, n) => ({ name: "x", data: { n } })));
    await work(client, queue);
  } finally {
    await client.end();
    await queue.close();
    await backend.close();
  }
}

describe.runIf(reachable)("PostgreSQL batch statements (real server, stale statistics)", () => {
  const admin = new pg.Pool({ connectionString: SERVICE_URLS.postgres, max: 1 });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it("finishing or renewing a batch of 800 active jobs discards at most a few rows per job", () =>
    withWaitingJobs(async (client, queue) => {
      const claimed = (
        await client.query<{ id: string; lock_token: string }>(await query("claim_fast"), [
          queue.name,
          BATCH,
          Date.now(),
          "test-worker",
          30_000,
          1,
          "t.",
        ])
      ).rows;
      expect(claimed).toHaveLength(BATCH);
      const ids = claimed.map((row) => row.id);
      const tokens = claimed.map((row) => row.lock_token);
      for (const [name, params] of [
        ["extend_locks", [queue.name, ids, tokens, Date.now() + 60_000]],
        ["finish_fast", [queue.name, ids, tokens]],
      ] as const) {
        await client.query("BEGIN");
        try {
          const explained = await client.query<{ "QUERY PLAN": Array<{ Plan: PlanNode }> }>(
            `EXPLAIN (ANALYZE, FORMAT JSON) ${await query(name)}`,
            [...params],
          );
          const plan = explained.rows[0]!["QUERY PLAN"][0]!.Plan;
          expect(rowsDiscarded(plan), name).toBeLessThan(BATCH * 4);
        } finally {
          await client.query("ROLLBACK");
        }
      }
    }));

  it("the claim's cached (generic) plan reads jobs through indexes, never the whole table", () =>
    // A prepared statement's generic plan is estimated without the parameter values: written as a join and
    // two EXISTS tests, it scanned the whole table twice per claim (17 ms for a claim of 50 among 20,000).
    withWaitingJobs(async (client, queue) => {
      await client.query(`ANALYZE "${schema}".jobs`);
      await client.query("SET plan_cache_mode = force_generic_plan");
      await client.query("BEGIN");
      try {
        await client.query(
          `PREPARE claim (text, int, bigint, text, bigint, int, text) AS ${await query("claim_fast")}`,
        );
        const explained = await client.query<{ "QUERY PLAN": Array<{ Plan: PlanNode }> }>(
          `EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE claim (${client.escapeLiteral(queue.name)}, 50, ${Date.now()}, 'test-worker', 30000, 1, 't.')`,
        );
        const plan = explained.rows[0]!["QUERY PLAN"][0]!.Plan;
        expect(sequentialScans(plan).filter((table) => table === "jobs")).toEqual([]);
      } finally {
        await client.query("ROLLBACK");
      }
    }));
});
