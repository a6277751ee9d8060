// Bulk actions: by a selection of ids, or by the current filter (state and search) resolved to ids first,
// since acting moves jobs out of the state being paged through.
import { ValidationError } from "../../errors/warren-error.js";
import { JOB_STATES, isJobState, type JobState } from "../../model/job-state.js";
import type { Queue } from "../../queue/queue.js";

/** The filter of a queue page, as a bulk action receives it. */
export interface BulkFilter {
  state?: string | undefined;
  search?: string | undefined;
}

/** Most jobs one bulk action touches: bigger sweeps are `queue.clean` / the CLI's job. */
export const MAX_BULK = 10_000;
const PAGE = 1000;
/** The largest page `queue.searchJobs` returns. */
const SEARCH_PAGE = 1000;
/** Jobs acted on at once: enough to hide round-trips, few enough not to crowd out workers. */
const PARALLEL = 16;

/** The ids the filter matches now (at most {@link MAX_BULK}). */
export async function collectFilterIds(queue: Queue, filter: BulkFilter): Promise<string[]> {
  if (typeof filter !== "object" || filter === null) {
    throw new ValidationError("INVALID_DATA", "filter must be { state?, search? }");
  }
  if (filter.state !== undefined && !isJobState(filter.state)) {
    throw new ValidationError(
      "INVALID_OPTION",
      `unknown state ${JSON.stringify(filter.state)}; use one of ${JOB_STATES.join(", ")}`,
    );
  }
  const states: JobState[] = filter.state ? [filter.state] : [...JOB_STATES];
  const ids: string[] = [];
  if (filter.search) {
    // Ids are collected before anything is acted on, so paging through the matches sees a stable set.
    for (let offset = 0; ids.length < MAX_BULK; offset += SEARCH_PAGE) {
      const found = await queue.searchJobs(filter.search, {
        ...(filter.state ? { states: filter.state } : {}),
        offset,
        limit: Math.min(SEARCH_PAGE, MAX_BULK - ids.length),
      });
      ids.push(...found.jobs.map((job) => job.id));
      if (found.jobs.length < SEARCH_PAGE) break;
    }
    return ids;
  }
  for (let offset = 0; ids.length < MAX_BULK; offset += PAGE) {
    const page = await queue.getJobs(states, {
      offset,
      limit: Math.min(PAGE, MAX_BULK - ids.length),
      order: "desc",
    });
    ids.push(...page.map((job) => job.id));
    if (page.length < PAGE) break;
  }
  return ids;
}

/** What a bulk action did. */
export interface BulkResult {
  done: number;
  failed: number;
  /** The first few failures, for the answer. */
  errors: Array<{ id: string; message: string }>;
}

const MAX_REPORTED_ERRORS = 20;

/** Runs `act` on every id, a few at a time, counting successes and failures. */
export async function runBulk(ids: string[], act: (id: string) => Promise<unknown>): Promise<BulkResult> {
  if (ids.length > MAX_BULK) {
    throw new ValidationError(
      "INVALID_OPTION",
      `a bulk action takes at most ${MAX_BULK} jobs (got ${ids.length})`,
    );
  }
  const result: BulkResult = { done: 0, failed: 0, errors: [] };
  for (let start = 0; start < ids.length; start += PARALLEL) {
    const batch = ids.slice(start, start + PARALLEL);
    const settled = await Promise.allSettled(batch.map((id) => act(id)));
    settled.forEach((outcome, index) => {
      if (outcome.status === "fulfilled") {
        result.done += 1;
        return;
      }
      result.failed += 1;
      if (result.errors.length < MAX_REPORTED_ERRORS) {
        const reason: unknown = outcome.reason;
        result.errors.push({
          id: batch[index]!,
          message: reason instanceof Error ? reason.message : String(reason),
        });
      }
    });
  }
  return result;
}
