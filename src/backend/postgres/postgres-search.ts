// Job search on PostgreSQL: one statement (queries/search_jobs.sql) chooses the bounded window, matches it with
// ILIKE and returns the page with its total, so the whole search is one round trip and one snapshot.
import type { SearchQuery, SearchResult } from "../records.js";
import type { PgSession } from "./pg-session.js";
import { decodeRow, type JobRow } from "./record-codec.js";

/** A search's text as an ILIKE pattern that matches it literally anywhere: `\`, `%` and `_` escaped. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

type SearchRow = { total: number; truncated: boolean } & ({ [K in keyof JobRow]: null } | JobRow);

/** Matches among the `scanLimit` newest jobs of the states asked. */
export async function searchJobs(
  session: PgSession,
  queue: string,
  query: SearchQuery,
): Promise<SearchResult> {
  const rows = await session.query<SearchRow>("search_jobs", [
    queue,
    query.states,
    containsPattern(query.text),
    query.offset,
    query.limit,
    query.scanLimit,
  ]);
  const first = rows[0];
  return {
    records: rows.filter((row): row is SearchRow & JobRow => row.id !== null).map(decodeRow),
    total: first?.total ?? 0,
    truncated: first?.truncated ?? false,
  };
}
