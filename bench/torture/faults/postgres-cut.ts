// Cuts a worker's PostgreSQL connections from the server side: pg_terminate_backend by application_name.
import pg from "pg";

/** Terminates every backend of the database at `url` whose application_name is `name`; returns how many. */
export async function cutPostgresConnections(url: string, name: string, adminName: string): Promise<number> {
  const admin = new pg.Client({ connectionString: url, application_name: adminName });
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
