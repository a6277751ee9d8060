import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { Queue } from "../../../src/index.js";
import { PostgresBackend } from "../../../src/backend/postgres/index.js";
import { DEFAULT_BLOCK_MS } from "../../../src/worker/worker-options.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const reachable = await requireService("postgres");
const schema = `wt_${randomBytes(4).toString("hex")}`;

describe.runIf(reachable)("PostgreSQL prepared statements (real server)", () => {
  const admin = new pg.Pool({ connectionString: SERVICE_URLS.postgres, max: 1 });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it("a column added by another process costs at most one failed call, then claims work again", async () => {
    // One connection, so the statement prepared before the ALTER is the one the next claim meets.
    const backend = new PostgresBackend({ url: SERVICE_URLS.postgres, schema, poolSize: 1 });
    const queue = new Queue(`q-${randomBytes(3).toString("hex")}`, { backend });
    const claim = () => claimOne(backend, queue.name);
    try {
      await queue.addBulk([1, 2, 3, 4].map((n) => ({ name: "x", data: { n } })));
      expect(await claim()).toHaveLength(1);
      await admin.query(`ALTER TABLE "${schema}".jobs ADD COLUMN added_later integer`);
      // The first claim after the ALTER may fail on its stale statement; the ones after it must not.
      await claim().catch(() => undefined);
      expect(await claim()).toHaveLength(1);
      expect(await claim()).toHaveLength(1);
    } finally {
      await queue.close();
      await backend.close();
    }
  });

  it("with preparedStatements: false nothing is prepared, so the same change fails no claim", async () => {
    const backend = new PostgresBackend({
      url: SERVICE_URLS.postgres,
      schema,
      poolSize: 1,
      preparedStatements: false,
    });
    const queue = new Queue(`q-${randomBytes(3).toString("hex")}`, { backend });
    try {
      await queue.addBulk([1, 2].map((n) => ({ name: "x", data: { n } })));
      expect(await claimOne(backend, queue.name)).toHaveLength(1);
      await admin.query(`ALTER TABLE "${schema}".jobs ADD COLUMN added_unprepared integer`);
      expect(await claimOne(backend, queue.name)).toHaveLength(1);
    } finally {
      await queue.close();
      await backend.close();
    }
  });
});

/** One claim of at most one job, through the backend's transaction path (jobs are ready: it does not wait). */
function claimOne(backend: PostgresBackend, queue: string) {
  return backend.fetch({
    queues: [queue],
    workerId: "w",
    max: 1,
    lockMs: 30_000,
    maxStalledCount: 1,
    limiter: undefined,
    groupLimits: undefined,
    signal: new AbortController().signal,
    blockMs: DEFAULT_BLOCK_MS,
  });
}
