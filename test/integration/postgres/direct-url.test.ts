// directUrl: behind a pooler in transaction mode, LISTEN hears nothing and the migration's session lock can
// outlive its caller, so those two connections go to PostgreSQL directly. Here the queries go over TCP and
// directUrl over the server's Unix socket, so pg_stat_activity tells the two apart (a socket has no address).
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { PostgresBackend } from "../../../src/backend/postgres/index.js";
import { createBackend, Queue, QueueEvents, Worker } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const SOCKET_DIR = "/var/run/postgresql";
const reachable = await requireService("postgres");
const socketThere = existsSync(SOCKET_DIR);
if (reachable && !socketThere)
  console.warn(`!! SKIPPED the directUrl test: no PostgreSQL socket in ${SOCKET_DIR}`);
const schema = `wt_${randomBytes(4).toString("hex")}`;

/** SERVICE_URLS.postgres, reached over the Unix socket instead of TCP. */
function socketUrl(): string {
  const url = new URL(SERVICE_URLS.postgres);
  return `postgres://${url.username}@${encodeURIComponent(SOCKET_DIR)}${url.pathname}`;
}

describe.runIf(reachable && socketThere)("PostgreSQL directUrl (real server)", () => {
  const admin = new pg.Pool({ connectionString: SERVICE_URLS.postgres, max: 1 });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it("migrates and LISTENs over directUrl while every query goes through url, and events still arrive", async () => {
    const applicationName = `warren-direct-${randomBytes(3).toString("hex")}`;
    const backend = new PostgresBackend({
      url: SERVICE_URLS.postgres,
      directUrl: socketUrl(),
      schema,
      applicationName,
    });
    const queue = new Queue(`q-${randomBytes(3).toString("hex")}`, { backend });
    const events = new QueueEvents(queue.name, { backend });
    const worker = new Worker(queue.name, () => "done", { backend });
    try {
      const completed = new Promise<string>((resolve) =>
        events.on("completed", (event) => resolve(event.jobId ?? "")),
      );
      await events.waitUntilReady();
      const job = await queue.add("x", {});
      expect(await completed).toBe(job.id);

      const connections = await admin.query<{ query: string; socket: boolean }>(
        `SELECT query, client_addr IS NULL AS socket FROM pg_stat_activity WHERE application_name = $1`,
        [applicationName],
      );
      const listening = connections.rows.filter((row) => row.query.startsWith("LISTEN"));
      expect(listening.length).toBeGreaterThan(0);
      expect(listening.every((row) => row.socket)).toBe(true);
      const others = connections.rows.filter((row) => !row.query.startsWith("LISTEN"));
      expect(others.length).toBeGreaterThan(0);
      expect(others.every((row) => !row.socket)).toBe(true);
    } finally {
      await worker.close();
      await events.close();
      await queue.close();
      await backend.close();
    }
  });

  it("a URL carries it as ?directUrl= (URL-encoded), and a bad one is refused naming the option", async () => {
    const url = new URL(SERVICE_URLS.postgres);
    url.searchParams.set("schema", schema);
    url.searchParams.set("directUrl", socketUrl());
    const backend = await createBackend(url.toString());
    try {
      const queue = new Queue(`q-${randomBytes(3).toString("hex")}`, { backend });
      await queue.add("x", {});
      await waitFor(async () => (await queue.getJobCounts("waiting")).waiting === 1, {
        message: "the job stored",
      });
      await queue.close();
    } finally {
      await backend.close();
    }
    expect(() => new PostgresBackend({ directUrl: 5 as unknown as string })).toThrow(/directUrl/);
    expect(() => new PostgresBackend({ directUrl: "mysql://db/app" })).toThrow(
      expect.objectContaining({
        code: "INVALID_URL",
        message: expect.stringContaining("postgres://") as string,
      }),
    );
  });

  it("an unreachable directUrl is reported as its own host, its password redacted", async () => {
    const backend = new PostgresBackend({
      url: SERVICE_URLS.postgres,
      directUrl: "postgres://app:hunter2@nohost.invalid:5432/app",
      schema,
      connectTimeoutMs: 2_000,
    });
    try {
      const error = await backend.migrate().then(
        () => undefined,
        (thrown: unknown) => thrown as Error & { code?: string },
      );
      expect(error?.message).toContain("nohost.invalid:5432");
      expect(error?.message).not.toContain("hunter2");
      expect(error?.code).toBe("BACKEND_UNAVAILABLE");
    } finally {
      await backend.close();
    }
  });
});
