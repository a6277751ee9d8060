// Records a batch of finished tries in few statements: every row of the batch is locked in one query per
// queue, and completions — the common case — are written, released to their dependants and trimmed by
// retention once per batch. Failures and cancellations are rarer and take the per-job path.
import type { Outcome, FinishStatus } from "../records.js";
import { startedAt } from "./event-times.js";
import type { PgTx } from "./pg-tx.js";
import type { JobRow } from "./record-codec.js";
import { applyRetention, failJob, settleDependants, toWaiting } from "./transitions.js";

const MAX_STACKTRACES = 10;

type Completion = Extract<Outcome, { kind: "completed" }>;

/** Records finished tries; an outcome whose lock token is stale changes nothing and reports lock-lost. */
export async function finishOutcomes(tx: PgTx, outcomes: Outcome[]): Promise<FinishStatus[]> {
  const rows = await lockRows(tx, outcomes);
  const statuses: FinishStatus[] = [];
  const completions: Array<{ outcome: Completion; row: JobRow }> = [];
  for (const outcome of outcomes) {
    const { queue, id, token } = outcome.lock;
    const row = rows.get(`${queue}\u0000${id}`);
    if (!row || row.state !== "active" || row.lock_token !== token) {
      statuses.push("lock-lost");
      continue;
    }
    // A second outcome for the same try in this batch finds the lock gone.
    row.lock_token = null;
    statuses.push("ok");
    if (outcome.kind === "completed") completions.push({ outcome, row });
    else await finishOther(tx, outcome, row);
  }
  await completeAll(tx, completions);
  return statuses;
}

async function lockRows(tx: PgTx, outcomes: Outcome[]): Promise<Map<string, JobRow>> {
  const idsByQueue = new Map<string, string[]>();
  for (const { lock } of outcomes)
    idsByQueue.set(lock.queue, [...(idsByQueue.get(lock.queue) ?? []), lock.id]);
  const rows = new Map<string, JobRow>();
  for (const [queue, ids] of idsByQueue) {
    for (const row of await tx.query<JobRow>("lock_jobs", [queue, ids]))
      rows.set(`${queue}\u0000${row.id}`, row);
  }
  return rows;
}

async function completeAll(
  tx: PgTx,
  completions: Array<{ outcome: Completion; row: JobRow }>,
): Promise<void> {
  if (completions.length === 0) return;
  const byQueue = new Map<string, Array<{ outcome: Completion; row: JobRow }>>();
  for (const item of completions) byQueue.set(item.row.queue, [...(byQueue.get(item.row.queue) ?? []), item]);
  const ended: JobRow[] = [];
  const retention: Array<{ queue: string; policy: JobRow["opts"]["removeOnComplete"] }> = [];
  for (const [queue, items] of byQueue) {
    // removeOnComplete: true jobs are deleted at once instead of written as completed and then deleted by
    // retention: one row version fewer per job. Their dependants find them gone, which counts as met.
    const kept = items.filter(({ row }) => row.opts.removeOnComplete !== true);
    const dropped = items.filter(({ row }) => row.opts.removeOnComplete === true);
    if (kept.length > 0) {
      await tx.query("complete_jobs", [
        queue,
        kept.map(({ row }) => row.id),
        kept.map(({ outcome }) => outcome.finishedAt),
        kept.map(({ outcome }) => outcome.returnValue ?? null),
      ]);
    }
    if (dropped.length > 0) await tx.query("delete_jobs", [queue, dropped.map(({ row }) => row.id)]);
    // Retention policies are per job; a batch almost always shares one, so group by it.
    const policies = new Map<string, JobRow["opts"]["removeOnComplete"]>();
    for (const { outcome, row } of items) {
      tx.emit(queue, "completed", row, {
        prev: "active",
        attemptsMade: row.attempts_made,
        ...startedAt(row),
        ...(outcome.returnValue === undefined ? {} : { value: outcome.returnValue }),
      });
      ended.push({ ...row, state: "completed" });
      policies.set(JSON.stringify(row.opts.removeOnComplete ?? false), row.opts.removeOnComplete);
    }
    retention.push(...[...policies.values()].map((policy) => ({ queue, policy })));
  }
  // Dependants first: they read their dependencies' states, which retention may delete.
  await settleDependants(tx, ended);
  for (const { queue, policy } of retention) await applyRetention(tx, queue, "completed", policy ?? false);
}

async function finishOther(tx: PgTx, outcome: Exclude<Outcome, Completion>, row: JobRow): Promise<void> {
  const { queue, id } = outcome.lock;
  if (outcome.kind === "cancelled") {
    await tx.query("finish_job", [queue, id, "cancelled", outcome.finishedAt, null, outcome.reason, null]);
    tx.emit(queue, "cancelled", row, { prev: "active", failedReason: outcome.reason });
    await settleDependants(tx, [{ ...row, state: "cancelled", failed_reason: outcome.reason }]);
    return;
  }
  const traces = JSON.stringify([...row.stacktrace, outcome.stacktrace.join("\n")].slice(-MAX_STACKTRACES));
  if (outcome.retryAt === undefined) {
    await tx.query("set_failure", [queue, id, outcome.reason, traces]);
    await failJob(tx, row, outcome.reason, outcome.finishedAt);
    return;
  }
  tx.emit(queue, "retrying", row, {
    timestamp: outcome.finishedAt,
    prev: "active",
    attemptsMade: row.attempts_made,
    failedReason: outcome.reason,
    runAt: outcome.retryAt,
    ...startedAt(row),
  });
  if (outcome.retryAt > tx.now) {
    await tx.query("retry_later", [queue, id, outcome.retryAt, outcome.reason, traces]);
    tx.emit(queue, "delayed", row, { prev: "active", runAt: outcome.retryAt });
  } else {
    await tx.query("set_failure", [queue, id, outcome.reason, traces]);
    await toWaiting(tx, queue, [id], "active");
  }
}
