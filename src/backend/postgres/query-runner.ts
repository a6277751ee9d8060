// Loads the SQL files in ./queries once, with the schema name substituted, and runs them by name.
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import type { PoolClient, QueryResultRow } from "pg";

const QUERIES_DIR = new URL("./queries/", import.meta.url);
const FRAGMENTS_DIR = new URL("./queries/fragments/", import.meta.url);

/** A query's text and the name it is prepared under on each connection. */
export interface NamedQuery {
  text: string;
  /** Derived from the text, so two schemas' versions of one query never share a prepared statement. */
  statement: string;
}

/** Every query, by file name without `.sql`. */
export type Queries = ReadonlyMap<string, NamedQuery>;

/** Query sets that run unnamed: turned off by option, or their prepared statements went stale. */
const unprepared = new WeakSet<Queries>();

/**
 * Reads every query file, puts in the fragments it names (`{{fragment:name}}`, from ./queries/fragments/: text
 * two statements must share exactly, such as how a batch's locks are taken) and the quoted schema name.
 */
export async function loadQueries(quotedSchema: string, prepared = true): Promise<Queries> {
  const fragments = new Map<string, string>();
  for (const file of await readdir(FRAGMENTS_DIR)) {
    if (file.endsWith(".sql"))
      fragments.set(file.slice(0, -4), await readFile(new URL(file, FRAGMENTS_DIR), "utf8"));
  }
  const queries = new Map<string, NamedQuery>();
  for (const file of await readdir(QUERIES_DIR)) {
    if (!file.endsWith(".sql")) continue;
    const text = (await readFile(new URL(file, QUERIES_DIR), "utf8"))
      .replace(/\{\{fragment:([a-z_]+)\}\}/g, (_match, name: string) => {
        const fragment = fragments.get(name);
        if (fragment === undefined)
          throw new Error(`query ${file} names fragment ${name}, which does not exist`);
        return fragment;
      })
      .replaceAll("{{schema}}", quotedSchema);
    const digest = createHash("sha1").update(text).digest("hex").slice(0, 16);
    queries.set(file.slice(0, -4), { text, statement: `warren_${file.slice(0, -4)}_${digest}` });
  }
  if (!prepared) unprepared.add(queries);
  return queries;
}

/**
 * Runs query `name` on a client as a named prepared statement: each connection parses and plans it once
 * instead of on every call (the server's CPU is what bounds this backend's throughput).
 */
export async function runQuery<R extends QueryResultRow>(
  client: Pick<PoolClient, "query">,
  queries: Queries,
  name: string,
  params: unknown[],
): Promise<R[]> {
  const query = queries.get(name);
  if (query === undefined) throw new Error(`unknown query ${name}`);
  const statement = unprepared.has(queries) ? undefined : query.statement;
  try {
    return (await client.query<R>({ name: statement, text: query.text, values: params })).rows;
  } catch (error) {
    // A migration by a newer process changed a table under statements this process prepared: this one
    // operation fails (its caller retries) and the backend stops preparing, rather than failing every call.
    if (statement !== undefined && isStalePlan(error)) unprepared.add(queries);
    throw error;
  }
}

function isStalePlan(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error as { code?: string }).code === "0A000" &&
    error.message.includes("cached plan must not change result type")
  );
}
