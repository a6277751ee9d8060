// Dead letters of a composed backend: the store's failed and expired jobs, then whatever the transport's own
// dead-letter queue holds that no store job accounts for. Only the replay of one job needs the store's own
// atomic operation; listing and purging are built on its reads and clean.
import type { JobState } from "../model/job-state.js";
import type {
  DeadLetterPage,
  DeadLetterRecord,
  ReplayProgress,
  TransportDeadLetters,
} from "./dead-letter-records.js";
import type { JobStore } from "./job-store.js";
import type { JobRecord } from "./records.js";

/** The states whose jobs are dead letters: they ended for good without completing. */
export const DEAD_LETTER_STATES: readonly JobState[] = ["failed", "expired"];

/** Jobs one page of an id scan or one clean call takes: each store call stays short. */
const BATCH = 1_000;
/** Store replays in flight at once: a large replay is bounded, not one round trip per job in turn. */
const REPLAY_CONCURRENCY = 16;

/** What the composed backend lends these helpers. */
export interface DeadLetterParts {
  store: JobStore;
  transport: TransportDeadLetters | undefined;
  /** Tells the delivery that jobs of the queue became ready (so a transport publishes them). */
  readied: (queue: string) => Promise<void>;
}

/** A failed or expired job as a store dead letter. */
export function storeDeadLetter(record: JobRecord): DeadLetterRecord {
  return {
    id: record.id,
    jobId: record.id,
    name: record.name,
    data: record.data,
    reason: record.failedReason ?? record.state,
    deadLetteredAt: record.finishedAt ?? record.createdAt,
    attemptsMade: record.attemptsMade,
    source: "store",
  };
}

/** A page of the queue's dead letters: store letters oldest first, then the transport's in queue order. */
export async function listDeadLetters(
  parts: DeadLetterParts,
  queue: string,
  page: DeadLetterPage,
): Promise<DeadLetterRecord[]> {
  const { store, transport } = parts;
  const counts = await store.countJobs(queue, [...DEAD_LETTER_STATES]);
  const storeTotal = DEAD_LETTER_STATES.reduce((sum, state) => sum + counts[state], 0);
  const letters =
    page.offset < storeTotal && page.limit > 0
      ? (
          await store.listJobs(queue, {
            states: [...DEAD_LETTER_STATES],
            offset: page.offset,
            limit: page.limit,
            order: "asc",
          })
        ).map(storeDeadLetter)
      : [];
  if (!transport || letters.length >= page.limit) return letters;
  const brokerOffset = Math.max(0, page.offset - storeTotal);
  const broker = await transport.list(queue);
  return [...letters, ...broker.slice(brokerOffset, brokerOffset + page.limit - letters.length)];
}

/** Every letter id of the queue, store letters first, taken before any is replayed. */
export async function listDeadLetterIds(parts: DeadLetterParts, queue: string): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += BATCH) {
    const page = await parts.store.listJobs(queue, {
      states: [...DEAD_LETTER_STATES],
      offset,
      limit: BATCH,
      order: "asc",
    });
    ids.push(...page.map((record) => record.id));
    if (page.length < BATCH) break;
  }
  if (parts.transport) ids.push(...(await parts.transport.list(queue)).map((letter) => letter.id));
  return [...new Set(ids)];
}

/**
 * Replays letters by id: store letters by the store's atomic replay (a letter replayed concurrently elsewhere
 * is not counted), each chunk made ready for delivery at once; then the transport's copies of them are removed,
 * in one pass over its queue whatever the number; then the transport's own letters, among the ids left.
 */
export async function replayDeadLetters(
  parts: DeadLetterParts,
  queue: string,
  ids: string[],
  progress: ReplayProgress = () => undefined,
): Promise<number> {
  const { store, transport } = parts;
  const unique = [...new Set(ids)];
  const replayed: string[] = [];
  // Every id goes to the store first, even one shaped like a transport's key: a job id may look like anything.
  for (let start = 0; start < unique.length; start += REPLAY_CONCURRENCY) {
    const chunk = unique.slice(start, start + REPLAY_CONCURRENCY);
    const records = await Promise.all(chunk.map((id) => store.replayDeadLetter(queue, id)));
    const before = replayed.length;
    for (const record of records) if (record) replayed.push(record.id);
    if (replayed.length > before) await parts.readied(queue);
    progress(start + chunk.length);
  }
  if (replayed.length > 0) await transport?.forget(queue, replayed);
  const done = new Set(replayed);
  const brokerIds = transport ? unique.filter((id) => !done.has(id) && transport.owns(id)) : [];
  const brokerReplayed = transport && brokerIds.length > 0 ? await transport.replay(queue, brokerIds) : 0;
  if (brokerIds.length > 0) progress(unique.length);
  return replayed.length + brokerReplayed;
}

/** Removes every dead letter: the transport's first (it tells copies from its own), then the store's jobs. */
export async function purgeDeadLetters(parts: DeadLetterParts, queue: string): Promise<number> {
  let removed = parts.transport ? await parts.transport.purge(queue) : 0;
  for (const state of DEAD_LETTER_STATES) {
    for (;;) {
      const ids = await parts.store.clean(queue, state, Number.MAX_SAFE_INTEGER, BATCH);
      removed += ids.length;
      if (ids.length < BATCH) break;
    }
  }
  return removed;
}
