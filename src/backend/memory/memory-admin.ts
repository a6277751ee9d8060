// Admin and read operations of the memory backend (everything but the hot path).
import { ConflictError, jobNotFound } from "../../errors/warren-error.js";
import { isTerminalState, JOB_STATES, type JobState } from "../../model/job-state.js";
import type { CancelResult } from "../contract.js";
import type { FinishStatus, JobRecord, ListQuery, QueueSnapshot } from "../records.js";
import { clearLock, copyRecord, type MemoryCore } from "./memory-core.js";
import type { QueueState, StoredJob } from "./queue-state.js";

/** Runs a synchronous operation as a promise, turning throws into rejections. */
export function settle<T>(operation: () => T): Promise<T> {
  try {
    return Promise.resolve(operation());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function requireJob(core: MemoryCore, queueName: string, id: string): { queue: QueueState; job: StoredJob } {
  core.assertOpen();
  const queue = core.queues.get(queueName);
  const job = queue?.jobs.get(id);
  if (!queue || !job) throw jobNotFound(queueName, id);
  return { queue, job };
}

/** Jobs in the requested states: pending states by entry order, finished ones by finish order. */
export function listJobs(core: MemoryCore, queueName: string, query: ListQuery): JobRecord[] {
  const queue = core.queues.get(queueName);
  if (!queue) return [];
  const jobs: StoredJob[] = [];
  for (const state of query.states) {
    for (const id of queue.byState[state]) jobs.push(queue.jobs.get(id)!);
  }
  if (query.states.length > 1) jobs.sort((a, b) => sortKey(a) - sortKey(b) || a.seq - b.seq);
  if (query.order === "desc") jobs.reverse();
  return jobs.slice(query.offset, query.offset + query.limit).map(copyRecord);
}

function sortKey(job: StoredJob): number {
  return isTerminalState(job.state) ? (job.finishedAt ?? 0) : job.createdAt;
}

export function countJobs(core: MemoryCore, queueName: string, states: JobState[]): Record<JobState, number> {
  const queue = core.queues.get(queueName);
  const counts = {} as Record<JobState, number>;
  for (const state of states) counts[state] = queue?.byState[state].size ?? 0;
  return counts;
}

/** Each queue at a glance. The waiting set keeps entry order, so its first job has waited longest. */
export function snapshotQueues(core: MemoryCore, queues: string[]): QueueSnapshot[] {
  return queues.map((name) => {
    const queue = core.queues.get(name);
    const [firstWaiting] = queue?.byState.waiting ?? [];
    return {
      queue: name,
      counts: countJobs(core, name, [...JOB_STATES]),
      paused: queue?.paused ?? false,
      oldestWaitingSince: firstWaiting === undefined ? undefined : queue?.jobs.get(firstWaiting)?.readyAt,
    };
  });
}

export function removeJob(core: MemoryCore, queueName: string, id: string): boolean {
  core.assertOpen();
  const queue = core.queues.get(queueName);
  const job = queue?.jobs.get(id);
  if (!queue || !job) return false;
  if (job.state === "active") {
    throw new ConflictError("CONFLICT", `job ${id} is active; cancel it first or wait for it to finish`);
  }
  queue.delete(job);
  core.emit(queueName, "removed", job, { prev: job.state });
  core.releaseDependants(queue, job);
  return true;
}

export function cancelJob(core: MemoryCore, queueName: string, id: string, reason: string): CancelResult {
  core.assertOpen();
  const queue = core.queues.get(queueName);
  const job = queue?.jobs.get(id);
  if (!queue || !job) return "not-found";
  if (isTerminalState(job.state)) return "finished";
  if (job.state === "active") {
    job.cancelRequested = true;
    core.emit(queueName, "cancel-requested", job, { failedReason: reason });
    return "requested";
  }
  const prev = job.state;
  const now = core.clock.now();
  job.failedReason = reason;
  job.finishedAt = now;
  queue.move(job, "cancelled");
  core.emit(queueName, "cancelled", job, { prev, failedReason: reason });
  core.settleDependants(queue, job, now);
  return "cancelled";
}

export function retryJob(core: MemoryCore, queueName: string, id: string): JobRecord {
  const { queue, job } = requireJob(core, queueName, id);
  if (job.state !== "failed" && job.state !== "cancelled" && job.state !== "expired") {
    throw new ConflictError(
      "CONFLICT",
      `job ${id} is ${job.state}; only failed, cancelled or expired jobs can be retried`,
    );
  }
  const prev = job.state;
  job.attemptsMade = 0;
  job.stalledCount = 0;
  job.failedReason = undefined;
  job.finishedAt = undefined;
  job.returnValue = undefined;
  job.cancelRequested = false;
  core.toWaiting(queue, job, core.clock.now(), prev);
  return copyRecord(job);
}

export function promoteJob(core: MemoryCore, queueName: string, id: string): JobRecord {
  const { queue, job } = requireJob(core, queueName, id);
  if (job.state !== "delayed") {
    throw new ConflictError("CONFLICT", `job ${id} is ${job.state}; only delayed jobs can be promoted`);
  }
  const now = core.clock.now();
  job.runAt = now;
  core.toWaiting(queue, job, now, "delayed");
  return copyRecord(job);
}

export function updateProgress(
  core: MemoryCore,
  queueName: string,
  id: string,
  token: string | undefined,
  progress: string,
): FinishStatus {
  core.assertOpen();
  const job = core.queues.get(queueName)?.jobs.get(id);
  if (!job) {
    if (token !== undefined) return "lock-lost";
    throw jobNotFound(queueName, id);
  }
  if (token !== undefined && (job.state !== "active" || job.lockToken !== token)) return "lock-lost";
  job.progress = progress;
  core.emit(queueName, "progress", job, { value: progress });
  return "ok";
}

export function addLog(core: MemoryCore, queueName: string, id: string, line: string): number {
  const { queue, job } = requireJob(core, queueName, id);
  let logs = queue.logs.get(id);
  if (!logs) queue.logs.set(id, (logs = []));
  logs.push(line);
  core.emit(queueName, "log", job, { line });
  return logs.length;
}

export function clean(
  core: MemoryCore,
  queueName: string,
  state: JobState,
  before: number,
  limit: number,
): string[] {
  core.assertOpen();
  if (state === "active") {
    throw new ConflictError(
      "CONFLICT",
      "active jobs cannot be cleaned; cancel them or wait for them to finish",
    );
  }
  const queue = core.queues.get(queueName);
  if (!queue) return [];
  const removed: string[] = [];
  for (const id of [...queue.byState[state]]) {
    if (removed.length >= limit) break;
    const job = queue.jobs.get(id)!;
    const time = isTerminalState(state) ? (job.finishedAt ?? 0) : job.createdAt;
    if (time >= before) continue;
    queue.delete(job);
    core.releaseDependants(queue, job);
    removed.push(id);
  }
  if (removed.length > 0) core.emit(queueName, "cleaned", undefined, { count: removed.length });
  return removed;
}

export function drain(core: MemoryCore, queueName: string, includeDelayed: boolean): number {
  core.assertOpen();
  const queue = core.queues.get(queueName);
  if (!queue) return 0;
  const states: JobState[] = includeDelayed ? ["waiting", "delayed"] : ["waiting"];
  let count = 0;
  for (const state of states) {
    for (const id of [...queue.byState[state]]) {
      const job = queue.jobs.get(id)!;
      queue.delete(job);
      core.releaseDependants(queue, job);
      count += 1;
    }
  }
  if (count > 0) core.emit(queueName, "cleaned", undefined, { count });
  return count;
}

export function obliterate(core: MemoryCore, queueName: string, force: boolean): void {
  core.assertOpen();
  const queue = core.queues.get(queueName);
  if (!queue) return;
  if (queue.byState.active.size > 0 && !force) {
    throw new ConflictError(
      "CONFLICT",
      `queue "${queueName}" has ${queue.byState.active.size} active job(s); wait for them or pass { force: true }`,
    );
  }
  for (const job of queue.jobs.values()) {
    clearLock(job);
    job.stamp += 1;
  }
  core.queues.delete(queueName);
}

export function setPaused(core: MemoryCore, queueName: string, paused: boolean): void {
  core.assertOpen();
  const queue = core.queue(queueName);
  if (queue.paused === paused) return;
  queue.paused = paused;
  core.emit(queueName, paused ? "paused" : "resumed");
  if (!paused) core.notify(queueName);
}
