// Job search in the memory store: the newest jobs of the states asked, up to the scan bound, matched in place.
import type { JobRecord, SearchQuery, SearchResult } from "../records.js";
import { matchesSearch, newestFirst, searchedFields } from "../search-text.js";
import { copyRecord, type MemoryCore } from "./memory-core.js";
import type { StoredJob } from "./queue-state.js";

/**
 * Matches within the `scanLimit` newest jobs of the states asked. Ordering every candidate is cheap next to
 * matching (they are in this process already); only the jobs inside the bound are matched, and only the page
 * is copied out.
 */
export function searchJobs(core: MemoryCore, queueName: string, query: SearchQuery): SearchResult {
  const queue = core.queues.get(queueName);
  if (!queue) return { records: [], total: 0, truncated: false };
  const candidates: StoredJob[] = [];
  for (const state of query.states) {
    for (const id of queue.byState[state]) candidates.push(queue.jobs.get(id)!);
  }
  candidates.sort(newestFirst);
  const truncated = candidates.length > query.scanLimit;
  const needle = query.text.toLowerCase();
  const matches = candidates
    .slice(0, query.scanLimit)
    .filter((job) => matchesSearch(searchedFields(job), needle));
  const records: JobRecord[] = matches.slice(query.offset, query.offset + query.limit).map(copyRecord);
  return { records, total: matches.length, truncated };
}
