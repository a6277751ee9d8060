// A jobs table whose statistics lag far behind it (autovacuum off, as on this project's CI server, or behind)
// is analyzed by a maintenance pass, so no connection keeps planning its statements for an empty table: once
// analyzed, the table's changes since the last ANALYZE are back under the trigger, whoever ran it.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { PostgresBackend } from "../../../src/backend/postgres/index.js";
import { Queue } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { recordingLogger } from "../../helpers/recording-logger.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const reachable = await requireService("postgres");
const schema = `wt_${randomBytes(4).toString("hex")}`;
const JOBS = 3_000;

describe.runIf(reachable)("PostgreSQL planner statistics", () => {
  const admin = new pg.Pool({ connectionString: SERVICE_URLS.postgres, max: 1 });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  const changedSinceAnalyze = async (): Promise<number> => {
    const { rows } = await admin.query<{ changed: string }>(
      "SELECT n_mod_since_analyze AS changed FROM pg_stat_user_tables WHERE relid = $1::regclass",
      [`"${schema}".jobs`],
    );
    return Number(rows[0]?.changed ?? 0);
  };

  it("a maintenance pass analyzes a jobs table that changed far more than its statistics know", async () => {
    const logger = recordingLogger();
    const backend = new PostgresBackend({ url: SERVICE_URLS.postgres, schema, logger });
    try {
      const queue = new Queue("stats", { backend });
      await queue.addBulk(Array.from({ length: JOBS }, (_, n) => ({ name: "n", data: { n } })));
      // Other sessions' activity statistics reach the server's view when they flush (up to ~10 s when idle).
      await waitFor(async () => (await changedSinceAnalyze()) >= JOBS, {
        message: "the server's statistics to count the inserts",
        timeout: 30_000,
      });
      await backend.maintain("stats", backend.clock.now());
      expect(await changedSinceAnalyze()).toBeLessThan(JOBS);
      const analyzed = logger.matching("analyzed the jobs table");
      // An autovacuum that kept up leaves nothing to do; one that did not is replaced by the pass, once.
      expect(analyzed.length).toBeLessThanOrEqual(1);
      if (analyzed.length === 1)
        expect(analyzed[0]).toMatchObject({ level: "info", fields: { live: expect.any(Number) as unknown } });
      await queue.close();
    } finally {
      await backend.close();
    }
  });
});
