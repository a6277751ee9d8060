// Admin operations of the PostgreSQL backend, each inside one transaction.
import { ConflictError, jobNotFound } from "../../errors/warren-error.js";
import { isTerminalState, JOB_STATES, type JobState } from "../../model/job-state.js";
import type { CancelResult } from "../contract.js";
import type { FinishStatus, JobRecord } from "../records.js";
import type { PgTx } from "./pg-tx.js";
import { decodeRow, type JobRow } from "./record-codec.js";
import { releaseDependants, settleDependants, toWaiting } from "./transitions.js";

const BATCH = 1_000;
/** One job, locked for the transaction; undefined when it does not exist. */
export async function lockJob(tx: PgTx, queue: string, id: string): Promise<JobRow | undefined> {
  const [row] = await tx.query<JobRow>("lock_jobs", [queue, [id]]);
  return row;
}

async function requireJob(tx: PgTx, queue: string, id: string): Promise<JobRow> {
  const row = await lockJob(tx, queue, id);
  if (!row) throw jobNotFound(queue, id);
  return row;
}

async function reread(tx: PgTx, queue: string, id: string): Promise<JobRecord> {
  return decodeRow(await requireJob(tx, queue, id));
}

export async function removeJob(tx: PgTx, queue: string, id: string): Promise<boolean> {
  const row = await lockJob(tx, queue, id);
  if (!row) return false;
  if (row.state === "active") {
    throw new ConflictError("CONFLICT", `job ${id} is active; cancel it first or wait for it to finish`);
  }
  await tx.query("delete_jobs", [queue, [id]]);
  tx.emit(queue, "removed", row, { prev: row.state });
  if (!isTerminalState(row.state)) await releaseDependants(tx, queue, [id]);
  return true;
}

export async function cancelJob(tx: PgTx, queue: string, id: string, reason: string): Promise<CancelResult> {
  const row = await lockJob(tx, queue, id);
  if (!row) return "not-found";
  if (isTerminalState(row.state)) return "finished";
  if (row.state === "active") {
    await tx.query("request_cancel", [queue, id]);
    tx.emit(queue, "cancel-requested", row, { failedReason: reason });
    return "requested";
  }
  await tx.query("finish_job", [queue, id, "cancelled", tx.now, null, reason, null]);
  tx.emit(queue, "cancelled", row, { prev: row.state, failedReason: reason });
  await settleDependants(tx, [{ ...row, state: "cancelled", failed_reason: reason }]);
  return "cancelled";
}

export async function retryJob(tx: PgTx, queue: string, id: string): Promise<JobRecord> {
  const row = await requireJob(tx, queue, id);
  if (row.state !== "failed" && row.state !== "cancelled" && row.state !== "expired") {
    throw new ConflictError(
      "CONFLICT",
      `job ${id} is ${row.state}; only failed, cancelled or expired jobs can be retried`,
    );
  }
  await tx.query("reset_for_retry", [queue, id]);
  await toWaiting(tx, queue, [id], row.state);
  return reread(tx, queue, id);
}

export async function promoteJob(tx: PgTx, queue: string, id: string): Promise<JobRecord> {
  const row = await requireJob(tx, queue, id);
  if (row.state !== "delayed") {
    throw new ConflictError("CONFLICT", `job ${id} is ${row.state}; only delayed jobs can be promoted`);
  }
  await tx.query("set_run_at", [queue, id, tx.now]);
  await toWaiting(tx, queue, [id], "delayed");
  return reread(tx, queue, id);
}

export async function updateProgress(
  tx: PgTx,
  queue: string,
  id: string,
  token: string | undefined,
  progress: string,
): Promise<FinishStatus> {
  const [row] = await tx.query<{ name: string }>("update_progress", [queue, id, token ?? null, progress]);
  if (!row) {
    if (token !== undefined) return "lock-lost";
    throw jobNotFound(queue, id);
  }
  tx.emit(queue, "progress", { id, name: row.name }, { value: progress });
  return "ok";
}

export async function addLog(tx: PgTx, queue: string, id: string, line: string): Promise<number> {
  const row = await requireJob(tx, queue, id);
  const [count] = await tx.query<{ count: number }>("add_log", [queue, id, line]);
  tx.emit(queue, "log", row, { line });
  return count?.count ?? 1;
}

export async function clean(
  tx: PgTx,
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
  const ids = (
    await tx.query<{ id: string }>("clean_ids", [queue, state, before, Math.min(limit, 1_000_000)])
  ).map((row) => row.id);
  if (ids.length === 0) return [];
  await tx.query("delete_jobs", [queue, ids]);
  if (!isTerminalState(state)) await releaseDependants(tx, queue, ids);
  tx.emit(queue, "cleaned", undefined, { count: ids.length });
  return ids;
}

export async function drain(tx: PgTx, queue: string, includeDelayed: boolean): Promise<number> {
  const states = includeDelayed ? ["waiting", "delayed"] : ["waiting"];
  let total = 0;
  for (;;) {
    const ids = (await tx.query<{ id: string }>("state_ids", [queue, states, BATCH])).map((row) => row.id);
    if (ids.length === 0) break;
    await tx.query("delete_jobs", [queue, ids]);
    await releaseDependants(tx, queue, ids);
    total += ids.length;
  }
  if (total > 0) tx.emit(queue, "cleaned", undefined, { count: total });
  return total;
}

export async function obliterate(tx: PgTx, queue: string, force: boolean): Promise<void> {
  const counts = await tx.query<{ state: string; count: number }>("count_jobs", [queue]);
  const active = counts.find((row) => row.state === "active")?.count ?? 0;
  if (active > 0 && !force) {
    throw new ConflictError(
      "CONFLICT",
      `queue "${queue}" has ${active} active job(s); wait for them or pass { force: true }`,
    );
  }
  const all = [...JOB_STATES];
  for (;;) {
    const ids = (await tx.query<{ id: string }>("state_ids", [queue, all, BATCH])).map((row) => row.id);
    if (ids.length === 0) break;
    await tx.query("delete_jobs", [queue, ids]);
  }
  await tx.query("delete_schedules", [queue]);
  await tx.query("delete_groups", [queue]);
  await tx.query("delete_queue", [queue]);
}

export async function setPaused(tx: PgTx, queue: string, paused: boolean): Promise<void> {
  const [row] = await tx.query<{ changed: boolean }>("set_paused", [queue, paused]);
  if (row?.changed) tx.emit(queue, paused ? "paused" : "resumed");
}
