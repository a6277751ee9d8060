// Options of `queue.searchJobs`: the public shape, the defaults and bounds in one place, validated into the
// backend's SearchQuery.
import { z } from "zod";
import { zodIssueMessage } from "../core/zod-message.js";
import { ValidationError } from "../errors/warren-error.js";
import type { SearchQuery } from "../backend/records.js";
import { JOB_STATES, type JobState } from "../model/job-state.js";

/** Matches returned per call unless `limit` says otherwise. */
export const DEFAULT_SEARCH_LIMIT = 100;
/** Jobs a search examines unless `scanLimit` says otherwise: the newest ten thousand. */
export const DEFAULT_SCAN_LIMIT = 10_000;
/** Largest `limit`: a page, not an export. */
export const MAX_SEARCH_LIMIT = 1_000;
/** Largest `scanLimit`: what keeps one search bounded on a queue of millions. */
export const MAX_SCAN_LIMIT = 100_000;
/** Longest search text, in characters. */
export const MAX_SEARCH_TEXT_LENGTH = 1_000;

/** Options of `queue.searchJobs`. */
export interface SearchOptions {
  /** States to look in. @defaultValue every state */
  states?: JobState | JobState[];
  /** Matches to skip, newest first (for paging). @defaultValue 0 */
  offset?: number;
  /** Most matches to return, 1–1000. @defaultValue 100 */
  limit?: number;
  /**
   * Most jobs to examine, newest first, 1–100000: the search stops there and says `truncated`, so its cost is
   * bounded whatever the queue's size. @defaultValue 10000
   */
  scanLimit?: number;
}

const stateSchema = z.enum(JOB_STATES, { error: `states must name job states: ${JOB_STATES.join(", ")}` });

const count = (key: string, min: number, max: number): z.ZodNumber =>
  z
    .number({ error: `${key} must be a number` })
    .int({ error: `${key} must be an integer` })
    .min(min, { error: `${key} must be at least ${min}` })
    .max(max, { error: `${key} must be at most ${max}` });

const searchOptionsSchema = z.strictObject({
  // One state is a list of one, so a refusal names the bad state rather than a failed union.
  states: z
    .preprocess(
      (value) => (typeof value === "string" ? [value] : value),
      z
        .array(stateSchema, { error: "states must be a job state or an array of them" })
        .min(1, { error: "states must name at least one state; leave it out for every state" }),
    )
    .optional(),
  offset: count("offset", 0, Number.MAX_SAFE_INTEGER).optional(),
  limit: count("limit", 1, MAX_SEARCH_LIMIT).optional(),
  scanLimit: count("scanLimit", 1, MAX_SCAN_LIMIT).optional(),
});

/**
 * Checks a search's text and options into the backend's query; throws ValidationError (INVALID_OPTION) that
 * names what to fix.
 */
export function resolveSearchQuery(text: unknown, options: unknown): SearchQuery {
  if (typeof text !== "string" || text.length === 0 || text.length > MAX_SEARCH_TEXT_LENGTH) {
    throw new ValidationError(
      "INVALID_OPTION",
      `searchJobs needs a text of 1–${MAX_SEARCH_TEXT_LENGTH} characters to look for ` +
        `(got ${typeof text === "string" ? `${text.length} characters` : (JSON.stringify(text) ?? String(text))})`,
    );
  }
  if (options !== undefined && (options === null || typeof options !== "object" || Array.isArray(options))) {
    throw new ValidationError(
      "INVALID_OPTION",
      `searchJobs options must be an object like { states, offset, limit, scanLimit } (got ${JSON.stringify(options)})`,
    );
  }
  const result = searchOptionsSchema.safeParse(options ?? {});
  if (!result.success) {
    throw new ValidationError(
      "INVALID_OPTION",
      `invalid searchJobs options: ${zodIssueMessage(result.error, options)}`,
    );
  }
  const { states, offset, limit, scanLimit } = result.data;
  return {
    text,
    // Each state once: a backend walks each state's jobs once.
    states: [...new Set(states ?? JOB_STATES)],
    offset: offset ?? 0,
    limit: limit ?? DEFAULT_SEARCH_LIMIT,
    scanLimit: scanLimit ?? DEFAULT_SCAN_LIMIT,
  };
}
