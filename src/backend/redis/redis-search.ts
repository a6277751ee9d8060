// Job search on Redis: the search-jobs script walks the state sets in chunks (each call short, so the server is
// never held for a whole scan), this side merges the matches newest first and reads only the page's records.
import type { JobState } from "../../model/job-state.js";
import type { SearchQuery, SearchResult } from "../records.js";
import { newestFirst, type SearchOrderKey } from "../search-text.js";
import type { RedisStoreContext } from "./redis-context.js";
import { fetchRecords } from "./redis-read.js";

/** Most jobs one search-jobs call examines: a few milliseconds of server time for typical records. */
export const SEARCH_CHUNK = 500;
/** Most bytes of fields one call matches: with large payloads, the call ends early instead of running long. */
export const SEARCH_CHUNK_BYTES = 4 * 1024 * 1024;

type ChunkReply = [
  examined: number,
  cursors: Array<[state: JobState, offset: number, exhausted: "1" | "0"]>,
  matches: Array<[id: string, createdAt: string, seq: string]>,
];

/** One state set's walk: how far it got, newest first. */
interface Walk {
  state: JobState;
  offset: number;
}

/**
 * Up to `scanLimit` jobs examined, in calls of at most {@link SEARCH_CHUNK} jobs and about
 * {@link SEARCH_CHUNK_BYTES} of fields each; see search-jobs.lua.
 */
export async function searchJobs(
  ctx: RedisStoreContext,
  queue: string,
  query: SearchQuery,
): Promise<SearchResult> {
  let walks: Walk[] = query.states.map((state) => ({ state, offset: 0 }));
  const found = new Map<string, SearchOrderKey>();
  let examined = 0;
  while (walks.length > 0 && examined < query.scanLimit) {
    const budget = Math.min(SEARCH_CHUNK, query.scanLimit - examined);
    const args = [
      query.text,
      budget,
      SEARCH_CHUNK_BYTES,
      ...walks.flatMap((walk) => [walk.state, walk.offset]),
    ];
    const [count, cursors, matches] = (await ctx.run("search-jobs", queue, args)) as ChunkReply;
    examined += count;
    // A job that moved to another set between chunks can be met twice; it is one match.
    for (const [id, createdAt, seq] of matches) {
      found.set(id, { createdAt: Number(createdAt), seq: Number(seq) });
    }
    walks = cursors
      .filter(([, , exhausted]) => exhausted === "0")
      .map(([state, offset]) => ({ state, offset: Number(offset) }));
  }
  const ordered = [...found].sort(([, a], [, b]) => newestFirst(a, b));
  const page = ordered.slice(query.offset, query.offset + query.limit).map(([id]) => id);
  const records = await ctx.command(() => fetchRecords(ctx.client, ctx.keys, queue, page));
  return { records, total: found.size, truncated: walks.length > 0 };
}
