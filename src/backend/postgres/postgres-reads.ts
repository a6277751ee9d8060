// Reads of the PostgreSQL store: one query each, outside a transaction (a read takes no lock and sends no event).
import { JOB_STATES, type JobState } from "../../model/job-state.js";
import type { JobRecord, ListQuery, QueueSnapshot } from "../records.js";
import type { PgSession } from "./pg-session.js";
import { decodeRow, type JobRow } from "./record-codec.js";

export async function getJob(session: PgSession, queue: string, id: string): Promise<JobRecord | undefined> {
  const [row] = await session.query<JobRow>("get_jobs", [queue, [id]]);
  return row ? decodeRow(row) : undefined;
}

/** Jobs in the requested states: pending states by sequence, finished ones by finish time. */
export async function listJobs(session: PgSession, queue: string, query: ListQuery): Promise<JobRecord[]> {
  const rows = await session.query<JobRow>(query.order === "desc" ? "list_jobs_desc" : "list_jobs_asc", [
    queue,
    query.states,
    query.offset,
    query.limit,
  ]);
  return rows.map(decodeRow);
}

/** A count for every requested state, zero included. */
export async function countJobs(
  session: PgSession,
  queue: string,
  states: JobState[],
): Promise<Record<JobState, number>> {
  const rows = await session.query<{ state: JobState; count: number }>("count_jobs", [queue]);
  const counts = {} as Record<JobState, number>;
  for (const state of states) counts[state] = rows.find((row) => row.state === state)?.count ?? 0;
  return counts;
}

/** Each queue at a glance, in one statement for the whole set (snapshot_queues.sql). */
export async function snapshotQueues(session: PgSession, queues: string[]): Promise<QueueSnapshot[]> {
  if (queues.length === 0) return [];
  const rows = await session.query<{
    queue: string;
    counts: Partial<Record<JobState, number>>;
    paused: boolean;
    oldest_ready_at: string | null;
  }>("snapshot_queues", [queues]);
  const byQueue = new Map(rows.map((row) => [row.queue, row]));
  return queues.map((queue) => {
    const row = byQueue.get(queue);
    const counts = {} as Record<JobState, number>;
    for (const state of JOB_STATES) counts[state] = row?.counts[state] ?? 0;
    return {
      queue,
      counts,
      paused: row?.paused ?? false,
      oldestWaitingSince: row?.oldest_ready_at == null ? undefined : Number(row.oldest_ready_at),
    };
  });
}

/** A page of a job's log lines, and how many it has in all. */
export async function getLogs(
  session: PgSession,
  queue: string,
  id: string,
  offset: number,
  limit: number,
): Promise<{ logs: string[]; count: number }> {
  const rows = await session.query<{ line: string }>("get_logs", [queue, id, offset, limit]);
  const [count] = await session.query<{ count: number }>("count_logs", [queue, id]);
  return { logs: rows.map((row) => row.line), count: count?.count ?? 0 };
}

export async function isPaused(session: PgSession, queue: string): Promise<boolean> {
  const [row] = await session.query<{ paused: boolean }>("is_paused", [queue]);
  return row?.paused ?? false;
}

/** Every queue the store knows, sorted. */
export async function listQueues(session: PgSession): Promise<string[]> {
  return (await session.query<{ name: string }>("list_queues", [])).map((row) => row.name);
}
