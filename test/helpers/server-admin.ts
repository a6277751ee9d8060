// Cuts a process's server connections from the server side, as an operator or a network fault would.
import { Redis } from "ioredis";
import pg from "pg";
import { SERVICE_URLS } from "./services.js";

/** Where an admin connection goes, and the name it carries (so it never kills itself). */
export interface AdminTarget {
  /** @defaultValue the test server's URL */
  url?: string;
  /** @defaultValue "warren-test-admin" */
  adminName?: string;
}

const ADMIN_NAME = "warren-test-admin";

/** Kills every Redis connection named `name` (CLIENT SETNAME); returns how many. */
export async function killRedisClientsNamed(name: string, target: AdminTarget = {}): Promise<number> {
  const admin = new Redis(target.url ?? SERVICE_URLS.redis, {
    lazyConnect: true,
    connectionName: target.adminName ?? ADMIN_NAME,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  admin.on("error", () => undefined);
  try {
    await admin.connect();
    const list = String(await admin.call("CLIENT", "LIST", "TYPE", "normal"));
    const ids = list
      .split("\n")
      .map((line) => new Map(line.split(" ").map((field) => field.split("=", 2) as [string, string])))
      .filter((fields) => fields.get("name") === name)
      .map((fields) => fields.get("id")!);
    for (const id of ids) await admin.client("KILL", "ID", id);
    return ids.length;
  } finally {
    admin.disconnect();
  }
}

/** Terminates every PostgreSQL backend whose application_name is `name`; returns how many. */
export async function terminatePostgresConnectionsNamed(
  name: string,
  target: AdminTarget = {},
): Promise<number> {
  const admin = new pg.Client({
    connectionString: target.url ?? SERVICE_URLS.postgres,
    application_name: target.adminName ?? ADMIN_NAME,
  });
  admin.on("error", () => undefined);
  await admin.connect();
  try {
    const result = await admin.query<{ ok: boolean }>(
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1",
      [name],
    );
    return result.rows.filter((row) => row.ok).length;
  } finally {
    await admin.end();
  }
}
