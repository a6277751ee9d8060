// The one place the dashboard calls Queue's search and dead-letter APIs (issue #10 part 1). Until a Queue has
// them, every call here answers "not available" and the pages say so (HTTP 501).
import type { Job } from "../job/job.js";
import type { JobState } from "../model/job-state.js";
import type { Queue } from "../queue/queue.js";

/** A dead-lettered job, as `queue.getDeadLetters()` returns it. */
export interface DeadLetterView {
  /** Names the letter for a replay: the job id for store letters, a stable key for broker-only ones. */
  id?: string | undefined;
  jobId?: string | undefined;
  name?: string | undefined;
  data?: unknown;
  reason: string;
  deadLetteredAt: number | Date;
  attemptsMade?: number | undefined;
  source: "store" | "broker";
}

/** An answer from a Queue API that may not exist on this version yet. */
export type Maybe<T> = { available: true; value: T } | { available: false; reason: string };

interface SearchPage {
  jobs: Job[];
  total: number;
  truncated: boolean;
}

/** The shape the search and dead-letter APIs take on Queue. */
interface QueueExtras {
  searchJobs?: (
    text: string,
    options: { states?: JobState[]; offset?: number; limit?: number; scanLimit?: number },
  ) => Promise<SearchPage>;
  getDeadLetters?: (page: { offset?: number; limit?: number }) => Promise<DeadLetterView[]>;
  replayDeadLetters?: (which: { ids: string[] } | { all: true }) => Promise<{ replayed: number }>;
  purgeDeadLetters?: () => Promise<number>;
}

const NOT_AVAILABLE = (api: string): { available: false; reason: string } => ({
  available: false,
  reason: `queue.${api} is not available in this version of Warren`,
});

function extras(queue: Queue): QueueExtras {
  return queue as unknown as QueueExtras;
}

/** Jobs whose id, name or data contain `text`. */
export async function searchJobs(
  queue: Queue,
  text: string,
  options: { states?: JobState[]; offset: number; limit: number },
): Promise<Maybe<SearchPage>> {
  const api = extras(queue).searchJobs;
  if (!api) return NOT_AVAILABLE("searchJobs");
  return { available: true, value: await api.call(queue, text, options) };
}

/** A page of the queue's dead letters. */
export async function getDeadLetters(
  queue: Queue,
  page: { offset: number; limit: number },
): Promise<Maybe<DeadLetterView[]>> {
  const api = extras(queue).getDeadLetters;
  if (!api) return NOT_AVAILABLE("getDeadLetters");
  return { available: true, value: await api.call(queue, page) };
}

/** Moves dead letters back to waiting with a fresh attempt budget. */
export async function replayDeadLetters(
  queue: Queue,
  which: { ids: string[] } | { all: true },
): Promise<Maybe<{ replayed: number }>> {
  const api = extras(queue).replayDeadLetters;
  if (!api) return NOT_AVAILABLE("replayDeadLetters");
  return { available: true, value: await api.call(queue, which) };
}

/** Deletes every dead letter of the queue; returns how many. */
export async function purgeDeadLetters(queue: Queue): Promise<Maybe<number>> {
  const api = extras(queue).purgeDeadLetters;
  if (!api) return NOT_AVAILABLE("purgeDeadLetters");
  return { available: true, value: await api.call(queue) };
}
