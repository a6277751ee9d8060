import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, it } from "vitest";
import { PostgresBackend } from "../../../src/backend/postgres/index.js";
import { useHarness } from "../../helpers/harness.js";
import { terminatePostgresConnectionsNamed } from "../../helpers/server-admin.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";
import { runConnectionCutScenario } from "../shared/connection-cut.js";

const reachable = await requireService("postgres");
const schema = `wt_${randomBytes(4).toString("hex")}`;

describe.runIf(reachable)("PostgreSQL connection loss (real server)", () => {
  const applicationName = `warren-cut-${randomBytes(4).toString("hex")}`;
  const harness = useHarness(
    () =>
      new PostgresBackend({
        url: SERVICE_URLS.postgres,
        schema,
        applicationName,
        poolSize: 6,
        onError: () => {},
      }),
  );
  afterAll(async () => {
    const pool = new pg.Pool({ connectionString: SERVICE_URLS.postgres, max: 1 });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it(
    "300 jobs in flight complete exactly once when pg_terminate_backend cuts every connection twice",
    { timeout: 180_000 },
    async () => {
      await runConnectionCutScenario(harness, () => terminatePostgresConnectionsNamed(applicationName));
    },
  );
});
