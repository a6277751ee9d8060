import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { PostgresBackend } from "../../../src/backend/postgres/index.js";
import { Queue, WarrenError } from "../../../src/index.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const reachable = await requireService("postgres");

describe.runIf(reachable)("PostgreSQL migrations (real server)", () => {
  const schemas: string[] = [];
  const freshSchema = (): string => {
    const schema = `wt_${randomBytes(4).toString("hex")}`;
    schemas.push(schema);
    return schema;
  };
  afterAll(async () => {
    const pool = new pg.Pool({ connectionString: SERVICE_URLS.postgres, max: 1 });
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it("three processes migrating one fresh schema at once apply each migration exactly once", async () => {
    const schema = freshSchema();
    const backends = [1, 2, 3].map(
      () => new PostgresBackend({ url: SERVICE_URLS.postgres, schema, poolSize: 2 }),
    );
    try {
      const applied = await Promise.all(backends.map((backend) => backend.migrate()));
      expect(applied.flat().sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const pool = new pg.Pool({ connectionString: SERVICE_URLS.postgres, max: 1 });
      const rows = await pool.query(`SELECT version, name FROM "${schema}".migrations ORDER BY version`);
      await pool.end();
      expect(rows.rows).toEqual([
        { version: 1, name: "001_jobs.sql" },
        { version: 2, name: "002_locks.sql" },
        { version: 3, name: "003_workers.sql" },
        { version: 4, name: "004_schedules.sql" },
        { version: 5, name: "005_groups.sql" },
        { version: 6, name: "006_awaited.sql" },
        { version: 7, name: "007_trace.sql" },
        { version: 8, name: "008_parent.sql" },
      ]);
    } finally {
      await Promise.all(backends.map((backend) => backend.close()));
    }
  });

  it("migrating again applies nothing and keeps every job", async () => {
    const schema = freshSchema();
    const first = new PostgresBackend({ url: SERVICE_URLS.postgres, schema, poolSize: 2 });
    const queue = new Queue("kept", { backend: first });
    const job = await queue.add("keep-me", { n: 1 });
    await queue.close();
    await first.close();

    const second = new PostgresBackend({ url: SERVICE_URLS.postgres, schema, poolSize: 2 });
    try {
      expect(await second.migrate()).toEqual([]);
      const again = new Queue("kept", { backend: second });
      expect((await again.getJob(job.id))?.data).toEqual({ n: 1 });
      await again.close();
    } finally {
      await second.close();
    }
  });

  it("a schema name that is not a plain identifier is rejected with INVALID_OPTION", () => {
    const attempt = (): PostgresBackend =>
      new PostgresBackend({ url: SERVICE_URLS.postgres, schema: 'x"; DROP TABLE jobs; --' });
    expect(attempt).toThrow(WarrenError);
    expect(attempt).toThrow(/schema must be a lower-case SQL identifier/);
  });
});
