// Cuts a process's server connections from the server side, as an operator or a network fault would.
import { Redis } from "ioredis";
import pg from "pg";
import { SERVICE_URLS } from "./services.js";

/** Kills every Redis connection named `name` (CLIENT SETNAME); returns how many. */
export async function killRedisClientsNamed(name: string): Promise<number> {
  const admin = new Redis(SERVICE_URLS.redis, { lazyConnect: true });
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
export async function terminatePostgresConnectionsNamed(name: string): Promise<number> {
  const admin = new pg.Client({ connectionString: SERVICE_URLS.postgres });
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
