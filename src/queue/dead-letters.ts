// The Queue's dead-letter calls: list, replay and purge, checked here and carried out by the backend.
import type { Backend } from "../backend/contract.js";
import type { DeadLetterRecord, DeadLetterSource } from "../backend/dead-letter-records.js";
import { parseJson } from "../core/serializer.js";
import { ValidationError } from "../errors/warren-error.js";

/** Dead letters one `getDeadLetters` call returns unless told otherwise. */
export const DEFAULT_DEAD_LETTER_PAGE = 100;

/**
 * A job that failed for good or expired (`source: "store"`), or, on RabbitMQ, a message in the queue's
 * dead-letter queue that no job accounts for, such as a malformed foreign message (`source: "broker"`).
 */
export interface DeadLetter<Data = unknown> {
  /** Names the letter for `replayDeadLetters({ ids })`: the job id for store letters, a stable key otherwise. */
  id: string;
  /** The job's id; a broker letter has one only when its message names a job. */
  jobId?: string | undefined;
  name?: string | undefined;
  /** The job's data; absent when a broker message's body is not JSON. */
  data?: Data | undefined;
  /** Why it was dead-lettered: the last failure, the ttl, or the broker's reason. */
  reason: string;
  /** When it was dead-lettered (ms since the epoch). */
  deadLetteredAt: number;
  attemptsMade?: number | undefined;
  source: DeadLetterSource;
}

/** Which letters `replayDeadLetters` replays: the ones named, or all of them. */
export type ReplaySelection = { ids: string[] } | { all: true };

/** Options of `replayDeadLetters`. */
export interface ReplayOptions {
  /** Hears, as the replay goes, how many of its letters were handled, of how many. @defaultValue none */
  onProgress?: (handled: number, total: number) => void;
}

/** A page of the queue's dead letters: store letters oldest first, then broker-only ones in queue order. */
export async function getDeadLetters<Data>(
  backend: Backend,
  queue: string,
  page: { offset?: number; limit?: number },
): Promise<DeadLetter<Data>[]> {
  const offset = checkCount(page.offset ?? 0, "offset");
  const limit = checkCount(page.limit ?? DEFAULT_DEAD_LETTER_PAGE, "limit");
  const records = await backend.listDeadLetters(queue, { offset, limit });
  return records.map((record) => toDeadLetter<Data>(record));
}

/**
 * Replays dead letters: each goes back to waiting with a fresh attempt budget (a broker letter's message is
 * published again) and stops being a dead letter. A letter replayed concurrently elsewhere counts once.
 */
export async function replayDeadLetters(
  backend: Backend,
  queue: string,
  selection: ReplaySelection,
  options: ReplayOptions = {},
): Promise<{ replayed: number }> {
  const ids = await selectedIds(backend, queue, selection);
  const onProgress = options.onProgress;
  if (onProgress !== undefined && typeof onProgress !== "function") {
    throw new ValidationError("INVALID_OPTION", "onProgress must be a function (handled, total) => void");
  }
  if (ids.length === 0) return { replayed: 0 };
  const progress = onProgress && ((handled: number) => onProgress(handled, ids.length));
  return { replayed: await backend.replayDeadLetters(queue, ids, progress) };
}

async function selectedIds(backend: Backend, queue: string, selection: ReplaySelection): Promise<string[]> {
  if (typeof selection !== "object" || selection === null) {
    throw new ValidationError("INVALID_OPTION", "replayDeadLetters takes { ids: string[] } or { all: true }");
  }
  if ("all" in selection) {
    if (selection.all !== true) {
      throw new ValidationError("INVALID_OPTION", "replayDeadLetters({ all }) takes all: true");
    }
    return backend.listDeadLetterIds(queue);
  }
  const ids: unknown = selection.ids;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === "string" && id.length > 0)) {
    throw new ValidationError(
      "INVALID_OPTION",
      "replayDeadLetters({ ids }) takes an array of letter ids as getDeadLetters lists them",
    );
  }
  return ids as string[];
}

function toDeadLetter<Data>(record: DeadLetterRecord): DeadLetter<Data> {
  const letter: DeadLetter<Data> = {
    id: record.id,
    reason: record.reason,
    deadLetteredAt: record.deadLetteredAt,
    source: record.source,
  };
  if (record.jobId !== undefined) letter.jobId = record.jobId;
  if (record.name !== undefined) letter.name = record.name;
  if (record.data !== undefined) letter.data = parseJson(record.data) as Data;
  if (record.attemptsMade !== undefined) letter.attemptsMade = record.attemptsMade;
  return letter;
}

function checkCount(value: number, key: string): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new ValidationError("INVALID_OPTION", `${key} must be an integer >= 0 (got ${String(value)})`);
  }
  return value;
}
