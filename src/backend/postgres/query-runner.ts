// Loads the SQL files in ./queries once, with the schema name substituted, and runs them by name.
import { readdir, readFile } from "node:fs/promises";
import type { PoolClient, QueryResultRow } from "pg";

const QUERIES_DIR = new URL("./queries/", import.meta.url);

/** Every query, by file name without `.sql`. */
export type Queries = ReadonlyMap<string, string>;

/** Reads every query file and substitutes the quoted schema name. */
export async function loadQueries(quotedSchema: string): Promise<Queries> {
  const queries = new Map<string, string>();
  for (const file of await readdir(QUERIES_DIR)) {
    if (!file.endsWith(".sql")) continue;
    const text = await readFile(new URL(file, QUERIES_DIR), "utf8");
    queries.set(file.slice(0, -4), text.replaceAll("{{schema}}", quotedSchema));
  }
  return queries;
}

/** Runs query `name` on a client. */
export async function runQuery<R extends QueryResultRow>(
  client: Pick<PoolClient, "query">,
  queries: Queries,
  name: string,
  params: unknown[],
): Promise<R[]> {
  const text = queries.get(name);
  if (text === undefined) throw new Error(`unknown query ${name}`);
  return (await client.query<R>({ name: undefined, text, values: params })).rows;
}
