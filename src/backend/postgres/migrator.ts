// Versioned migrations: numbered .sql files applied in order, each in its own transaction, under an advisory
// lock so concurrent processes migrate once. Recorded in <schema>.migrations; nothing is ever dropped.
import { readdir, readFile } from "node:fs/promises";
import type { Pool } from "pg";

const MIGRATIONS_DIR = new URL("./migrations/", import.meta.url);
/** Advisory lock key shared by every Warren migrator (the schema name is part of the lock). */
const LOCK_NAMESPACE = 7_261_994;

/** Applies every migration not yet recorded in `schema`. Returns the versions it applied. */
export async function migrate(pool: Pool, schema: string, quoted: string): Promise<number[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((file) => /^\d{3}_.+\.sql$/.test(file)).sort();
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query("SELECT pg_advisory_lock($1, hashtext($2))", [LOCK_NAMESPACE, schema]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${quoted}.migrations (version integer PRIMARY KEY, name text NOT NULL, ` +
          `applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const done = new Set(
        (await client.query<{ version: number }>(`SELECT version FROM ${quoted}.migrations`)).rows.map(
          (row) => row.version,
        ),
      );
      for (const file of files) {
        const version = Number(file.slice(0, 3));
        if (done.has(version)) continue;
        const sql = (await readFile(new URL(file, MIGRATIONS_DIR), "utf8")).replaceAll("{{schema}}", quoted);
        await client.query("BEGIN");
        try {
          await client.query(sql);
          await client.query(`INSERT INTO ${quoted}.migrations (version, name) VALUES ($1, $2)`, [
            version,
            file,
          ]);
          await client.query("COMMIT");
          applied.push(version);
        } catch (error) {
          await client.query("ROLLBACK");
          throw error;
        }
      }
    } finally {
      await client.query("SELECT pg_advisory_unlock($1, hashtext($2))", [LOCK_NAMESPACE, schema]);
    }
  } finally {
    client.release();
  }
  return applied;
}
