// Job search in the memory store: the newest jobs of the states asked, up to the scan bound, matched in place.
import type { JobRecord, SearchQuery, SearchResult } from "../records.js";
import { matchesSearch, newestFirst, searchedFields } from "../search-text.js";
import { copyRecord, type MemoryCore } from "./memory-core.js";
import type { StoredJob } from "./queue-state.js";

/**
 * Matches within the `scanLimit` newest jobs of the states asked. Past the bound, every candidate is ordered
 * (cheap next to matching: they are in this process already) and only the newest are matched; only the page is
 * copied out.
 */
export function searchJobs(core: MemoryCore, queueName: string, query: SearchQuery): SearchResult {
  const queue = core.queues.get(queueName);
  if (!queue) return { records: [], total: 0, truncated: false };
  const candidates: StoredJob[] = [];
  for (const state of query.states) {
    for (const id of queue.byState[state]) candidates.push(queue.jobs.get(id)!);
  }
  const needle = query.text.toLowerCase();
  const matching = (job: StoredJob): boolean => matchesSearch(searchedFields(job), needle);
  const truncated = candidates.length > query.scanLimit;
  // Within the bound every candidate is examined, so only the matches need ordering.
  const matches = truncated
    ? candidates.sort(newestFirst).slice(0, query.scanLimit).filter(matching)
    : candidates.filter(matching).sort(newestFirst);
  const records: JobRecord[] = matches.slice(query.offset, query.offset + query.limit).map(copyRecord);
  return { records, total: matches.length, truncated };
}
