// Admin and read operations of the Redis store (everything but the hot path): reads are plain commands, every
// change is one script (remove-job, cancel-job, retry-job, …), and removals run in batches until done.
import { ConflictError } from "../../errors/warren-error.js";
import { JOB_STATES, type JobState } from "../../model/job-state.js";
import type { CancelResult } from "../contract.js";
import type { FinishStatus, JobRecord, ListQuery, QueueSnapshot } from "../records.js";
import { decodeRecord } from "./record-codec.js";
import type { RedisStoreContext } from "./redis-context.js";
import * as read from "./redis-read.js";

/** Jobs one drain or obliterate call removes: each script call stays short. */
const BATCH = 1_000;
/** Most jobs one clean removes (the caller's limit is capped to it). */
const MAX_CLEAN = 1_000_000;

/** The job's record, or undefined when it does not exist. */
export async function getJob(
  ctx: RedisStoreContext,
  queue: string,
  id: string,
): Promise<JobRecord | undefined> {
  const flat = await ctx.command(() => ctx.client.hgetall(`${ctx.keys.base(queue)}j:${id}`));
  return Object.keys(flat).length === 0 ? undefined : decodeRecord(Object.entries(flat).flat());
}

/** Jobs in the query's states, paginated (see redis-read.ts). */
export function listJobs(ctx: RedisStoreContext, queue: string, query: ListQuery): Promise<JobRecord[]> {
  return ctx.command(() => read.listJobs(ctx.client, ctx.keys, queue, query));
}

/** How many jobs each state holds: one ZCARD each. */
export function countJobs(
  ctx: RedisStoreContext,
  queue: string,
  states: JobState[],
): Promise<Record<JobState, number>> {
  return ctx.command(() => read.countJobs(ctx.client, ctx.keys, queue, states));
}

/**
 * Each queue at a glance: one read-only snapshot-queue script per queue (a queue's keys share one slot), all
 * sent at once, so the whole set costs one round trip.
 */
export async function snapshotQueues(ctx: RedisStoreContext, queues: string[]): Promise<QueueSnapshot[]> {
  const replies = await Promise.all(queues.map((queue) => ctx.run("snapshot-queue", queue, [])));
  return queues.map((queue, i) => {
    const reply = replies[i] as Array<number | string>;
    const counts = {} as Record<JobState, number>;
    JOB_STATES.forEach((state, s) => (counts[state] = Number(reply[s])));
    const oldest = reply[JOB_STATES.length + 1];
    return {
      queue,
      counts,
      paused: reply[JOB_STATES.length] === "1",
      oldestWaitingSince: oldest === "" || oldest === undefined ? undefined : Number(oldest),
    };
  });
}

/** Deletes a job that is not active; false when there was none. */
export async function removeJob(ctx: RedisStoreContext, queue: string, id: string): Promise<boolean> {
  return (await ctx.run("remove-job", queue, [id, ctx.clock.now(), ctx.outbox()], id)) === 1;
}

/** Cancels a pending job at once, or asks the worker running an active one to abort. */
export async function cancelJob(
  ctx: RedisStoreContext,
  queue: string,
  id: string,
  reason: string,
): Promise<CancelResult> {
  return (await ctx.run(
    "cancel-job",
    queue,
    [id, reason, ctx.clock.now(), ctx.outbox()],
    id,
  )) as CancelResult;
}

/** Moves a failed, cancelled or expired job back to waiting with a fresh attempt budget. */
export async function retryJob(ctx: RedisStoreContext, queue: string, id: string): Promise<JobRecord> {
  return decodeRecord(await ctx.run("retry-job", queue, [id, ctx.clock.now(), ctx.outbox()], id));
}

/** Runs a delayed job now. */
export async function promoteJob(ctx: RedisStoreContext, queue: string, id: string): Promise<JobRecord> {
  return decodeRecord(await ctx.run("promote-job", queue, [id, ctx.clock.now(), ctx.outbox()], id));
}

/** Stores and emits progress; with a token, only while that lock is current. */
export async function updateProgress(
  ctx: RedisStoreContext,
  queue: string,
  id: string,
  token: string | undefined,
  progress: string,
): Promise<FinishStatus> {
  return (await ctx.run(
    "update-progress",
    queue,
    [id, token ?? "", progress, ctx.clock.now()],
    id,
  )) as FinishStatus;
}

/** Appends a line to a job's log; returns the number of lines. */
export async function addLog(
  ctx: RedisStoreContext,
  queue: string,
  id: string,
  line: string,
): Promise<number> {
  return (await ctx.run("add-log", queue, [id, line, ctx.clock.now()], id)) as number;
}

/** A page of a job's log, and how many lines it has. */
export async function getLogs(
  ctx: RedisStoreContext,
  queue: string,
  id: string,
  offset: number,
  limit: number,
): Promise<{ logs: string[]; count: number }> {
  const key = ctx.keys.logs(queue, id);
  const [logs, count] = await ctx.command(() =>
    Promise.all([
      limit > 0 ? ctx.client.lrange(key, String(offset), String(offset + limit - 1)) : Promise.resolve([]),
      ctx.client.llen(key),
    ]),
  );
  return { logs, count };
}

/** Removes up to `limit` jobs of a state older than `before`; never active ones. */
export async function clean(
  ctx: RedisStoreContext,
  queue: string,
  state: JobState,
  before: number,
  limit: number,
): Promise<string[]> {
  if (state === "active") {
    throw new ConflictError(
      "CONFLICT",
      "active jobs cannot be cleaned; cancel them or wait for them to finish",
    );
  }
  return (await ctx.run("clean-jobs", queue, [
    state,
    before,
    Math.min(limit, MAX_CLEAN),
    ctx.clock.now(),
    ctx.outbox(),
  ])) as string[];
}

/** Removes every waiting job (and delayed one, when asked), in batches; returns how many. */
export async function drain(ctx: RedisStoreContext, queue: string, includeDelayed: boolean): Promise<number> {
  let total = 0;
  for (;;) {
    const removed = (await ctx.run("drain-queue", queue, [
      includeDelayed ? "1" : "0",
      BATCH,
      ctx.clock.now(),
      ctx.outbox(),
    ])) as number;
    total += removed;
    if (removed < BATCH) return total;
  }
}

/** Removes the whole queue in batches (refused while jobs are active, unless forced). */
export async function obliterate(ctx: RedisStoreContext, queue: string, force: boolean): Promise<void> {
  while (((await ctx.run("obliterate-queue", queue, [force ? "1" : "0", BATCH])) as number) > 0) {
    // Batches keep each script call short; loop until the queue is gone.
  }
  await ctx.guard.call(() => ctx.client.srem(ctx.keys.registry, queue));
}

/** Pauses (or resumes) a queue; registers it, so a queue paused before its first job is listed. */
export async function setPaused(ctx: RedisStoreContext, queue: string, paused: boolean): Promise<void> {
  await Promise.all([
    ctx.register(queue),
    ctx.run("set-paused", queue, [paused ? "1" : "0", ctx.clock.now()]),
  ]);
}

/** Whether the queue is paused. */
export async function isPaused(ctx: RedisStoreContext, queue: string): Promise<boolean> {
  return (await ctx.command(() => ctx.client.hget(`${ctx.keys.base(queue)}meta`, "paused"))) === "1";
}

/** Every queue of the prefix, sorted. */
export async function listQueues(ctx: RedisStoreContext): Promise<string[]> {
  return (await ctx.command(() => ctx.client.smembers(ctx.keys.registry))).sort();
}
