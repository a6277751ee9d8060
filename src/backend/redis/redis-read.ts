// Read-only queries of the Redis backend: listing and counting by state from the per-state sorted sets.
import type { RedisClient } from "./redis-client.js";
import { isTerminalState, type JobState } from "../../model/job-state.js";
import type { JobRecord, ListQuery } from "../records.js";
import type { RedisKeys } from "./keys.js";
import { decodeRecord } from "./record-codec.js";

function setKey(keys: RedisKeys, queue: string, state: JobState): string {
  return `${keys.base(queue)}${state === "waiting" ? "wait" : state}`;
}

/** Counts per state: one ZCARD each, no scan. */
export async function countJobs(
  client: RedisClient,
  keys: RedisKeys,
  queue: string,
  states: JobState[],
): Promise<Record<JobState, number>> {
  const pipeline = client.pipeline();
  for (const state of states) pipeline.zcard(setKey(keys, queue, state));
  const replies = (await pipeline.exec()) ?? [];
  const counts = {} as Record<JobState, number>;
  states.forEach((state, i) => (counts[state] = Number(replies[i]?.[1] ?? 0)));
  return counts;
}

/** Jobs in the given states, paginated (finished states by finish time, pending ones by sequence). */
export async function listJobs(
  client: RedisClient,
  keys: RedisKeys,
  queue: string,
  query: ListQuery,
): Promise<JobRecord[]> {
  const end = query.offset + query.limit;
  let ids: string[];
  if (query.states.length === 1) {
    const key = setKey(keys, queue, query.states[0]!);
    ids =
      query.order === "desc"
        ? await client.zrevrange(key, String(query.offset), String(end - 1))
        : await client.zrange(key, String(query.offset), String(end - 1));
  } else {
    // Several states: read each set's first `end` ids and order them together.
    const all: string[] = [];
    for (const state of query.states) {
      const key = setKey(keys, queue, state);
      const list =
        query.order === "desc"
          ? await client.zrevrange(key, "0", String(end - 1))
          : await client.zrange(key, "0", String(end - 1));
      all.push(...list);
    }
    const records = await fetchRecords(client, keys, queue, all);
    records.sort((a, b) => sortKey(a) - sortKey(b) || a.createdAt - b.createdAt);
    if (query.order === "desc") records.reverse();
    return records.slice(query.offset, end);
  }
  return fetchRecords(client, keys, queue, ids);
}

function sortKey(record: JobRecord): number {
  return isTerminalState(record.state) ? (record.finishedAt ?? 0) : record.createdAt;
}

/** The records of `ids`, in order; an id whose job is gone is left out. */
export async function fetchRecords(
  client: RedisClient,
  keys: RedisKeys,
  queue: string,
  ids: string[],
): Promise<JobRecord[]> {
  if (ids.length === 0) return [];
  const pipeline = client.pipeline();
  for (const id of ids) pipeline.hgetall(`${keys.base(queue)}j:${id}`);
  const replies = (await pipeline.exec()) ?? [];
  const records: JobRecord[] = [];
  for (const [error, value] of replies) {
    const flat = value as Record<string, string> | null;
    if (!error && flat && Object.keys(flat).length > 0)
      records.push(decodeRecord(Object.entries(flat).flat()));
  }
  return records;
}
