// The one place the dashboard calls Queue's job search and dead-letter APIs (issue #10 part 1): the pages and
// actions go through these, so their shape is settled here once.
import type { Job } from "../job/job.js";
import type { JobState } from "../model/job-state.js";
import type { DeadLetter, ReplaySelection } from "../queue/dead-letters.js";
import type { Queue } from "../queue/queue.js";

export type { DeadLetter };

/** A page of matches, and whether the bounded scan stopped before the end of the queue. */
export interface SearchPage {
  jobs: Job[];
  total: number;
  truncated: boolean;
}

/** Jobs whose id, name, failed reason or data contain `text`, newest first (bounded by the queue's scan limit). */
export function searchJobs(
  queue: Queue,
  text: string,
  options: { states: JobState[] | undefined; offset: number; limit: number },
): Promise<SearchPage> {
  return queue.searchJobs(text, {
    ...(options.states ? { states: options.states } : {}),
    offset: options.offset,
    limit: options.limit,
  });
}

/** A page of the queue's dead letters. */
export function getDeadLetters(queue: Queue, page: { offset: number; limit: number }): Promise<DeadLetter[]> {
  return queue.getDeadLetters(page);
}

/** Moves dead letters (named by their letter ids, or all) back to waiting with a fresh attempt budget. */
export function replayDeadLetters(queue: Queue, which: ReplaySelection): Promise<{ replayed: number }> {
  return queue.replayDeadLetters(which);
}

/** Deletes every dead letter of the queue; returns how many. */
export function purgeDeadLetters(queue: Queue): Promise<number> {
  return queue.purgeDeadLetters();
}
