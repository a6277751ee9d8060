// The hot-path operations of the PostgreSQL backend, each inside one transaction: enqueue, claim, finish,
// and the maintenance pass.
import { ValidationError } from "../../errors/warren-error.js";
import { isTerminalState, stalledTooOftenReason } from "../../model/job-state.js";
import type { ClaimRequest, ClaimResult, PromoteResult, ReadyClaimRequest } from "../job-store.js";
import type { EnqueueResult, JobRecord, MaintenanceReport, NewJobRecord } from "../records.js";
import { leaseParams, type PgTx } from "./pg-tx.js";
import { decodeRow, type JobRow } from "./record-codec.js";
import { applyRetention, expireJob, failJob, toWaiting } from "./transitions.js";
import { claimFair, claimGroupVerdicts, type QueueFlags } from "./postgres-groups.js";

const BATCH = 1_000;

/**
 * Stores a batch all or none; existing ids and held dedupe keys return the existing job. Only batches with a
 * dedupe key take the queue's advisory lock (its check-then-insert must not race); other adds run in
 * parallel, and the rare race on a custom id surfaces as a unique violation that the caller retries with
 * `serialise` set.
 */
export async function enqueueJobs(
  tx: PgTx,
  records: NewJobRecord[],
  serialise = false,
): Promise<EnqueueResult[]> {
  const byQueue = new Map<string, NewJobRecord[]>();
  for (const record of records) byQueue.set(record.queue, [...(byQueue.get(record.queue) ?? []), record]);
  const results = new Map<NewJobRecord, EnqueueResult>();
  for (const [queue, list] of byQueue) {
    const lock = serialise || list.some((record) => record.opts.dedupe !== undefined);
    await tx.query(lock ? "lock_queue" : "register_queue", [queue]);
    const existing = await tx.query<{
      id: string;
      state: string;
      created_at: string;
      dedupe_key: string | null;
    }>("find_existing", [
      queue,
      list.map((r) => r.id),
      list.flatMap((r) => (r.opts.dedupe ? [r.opts.dedupe.key] : [])),
    ]);
    const byId = new Map(existing.map((row) => [row.id, row.id]));
    const byDedupe = new Map<string, string>();
    for (const row of existing) {
      if (!row.dedupe_key) continue;
      const pending = !isTerminalState(row.state as JobRecord["state"]);
      if (pending) byDedupe.set(row.dedupe_key, row.id);
      else byDedupe.set(`ttl\u0000${row.dedupe_key}`, `${row.id}\u0000${row.created_at}`);
    }
    const fresh: NewJobRecord[] = [];
    const returned = new Map<NewJobRecord, string>();
    for (const record of list) {
      const dedupe = record.opts.dedupe;
      let holder = byId.get(record.id);
      if (!holder && dedupe) {
        holder = byDedupe.get(dedupe.key);
        const finished = byDedupe.get(`ttl\u0000${dedupe.key}`);
        if (!holder && finished && dedupe.ttl !== undefined) {
          const [id, createdAt] = finished.split("\u0000") as [string, string];
          if (tx.now - Number(createdAt) < dedupe.ttl) holder = id;
        }
      }
      if (holder) {
        returned.set(record, holder);
        continue;
      }
      fresh.push(record);
      byId.set(record.id, record.id);
      if (dedupe) byDedupe.set(dedupe.key, record.id);
    }
    const dependencies = await awaitDependencies(tx, fresh, records);
    const rows = fresh.length === 0 ? [] : await insert(tx, fresh, dependencies);
    const inserted = new Map(rows.map((row) => [row.id, row]));
    for (const record of fresh) {
      let row = inserted.get(record.id)!;
      tx.emit(queue, "added", row);
      tx.emit(queue, row.state, row, row.state === "delayed" ? { runAt: record.runAt } : {});
      // A dependency that already failed for good means this job can never run: it fails now, not never.
      const failed = row.state === "waiting-children" ? failedDependency(record, dependencies) : undefined;
      if (failed) {
        await failJob(tx, row, failed, tx.now);
        row = { ...row, state: "failed", failed_reason: failed, finished_at: String(tx.now) };
      }
      results.set(record, { record: decodeRow(row), created: true });
    }
    if (returned.size > 0) {
      const holders = await tx.query<JobRow>("get_jobs", [queue, [...new Set(returned.values())]]);
      const found = new Map(holders.map((row) => [row.id, row]));
      for (const [record, id] of returned)
        results.set(record, { record: decodeRow(found.get(id)!), created: false });
    }
  }
  return records.map((record) => results.get(record)!);
}

/** The state of a dependency outside the batch, read under its row lock. */
interface Dependency {
  state: JobRecord["state"];
  fail_parent: boolean;
  failed_reason: string | null;
}

/**
 * Marks the dependencies outside the batch awaited and reads them (see await_refs.sql: this serialises the add
 * with their finishes); throws when one does not exist.
 */
async function awaitDependencies(
  tx: PgTx,
  fresh: NewJobRecord[],
  batch: NewJobRecord[],
): Promise<Map<string, Dependency>> {
  const inBatch = new Set(batch.map((r) => `${r.queue}:${r.id}`));
  const refs = [...new Set(fresh.flatMap((r) => r.opts.dependsOn).filter((ref) => !inBatch.has(ref)))];
  if (refs.length === 0) return new Map();
  const found = new Map(
    (await tx.query<Dependency & { ref: string }>("await_refs", [refs])).map((row) => [row.ref, row]),
  );
  const missing = refs.find((ref) => !found.has(ref));
  if (missing) {
    throw new ValidationError(
      "INVALID_OPTION",
      `dependsOn names job ${missing}, which does not exist; add it first or in the same addBulk`,
      { details: { dependency: missing } },
    );
  }
  return found;
}

/** Whether a dependency lets its dependant run: completed, or ended otherwise with failParentOnFailure off. */
function dependencyMet(dependency: Dependency | undefined): boolean {
  if (!dependency) return false;
  if (dependency.state === "completed") return true;
  return isFailedEnd(dependency.state) && !dependency.fail_parent;
}

/** Why a new job can never run: a dependency that already ended failed and fails its dependants. */
function failedDependency(record: NewJobRecord, dependencies: Map<string, Dependency>): string | undefined {
  for (const ref of record.opts.dependsOn) {
    const dependency = dependencies.get(ref);
    if (dependency && isFailedEnd(dependency.state) && dependency.fail_parent) {
      return `dependency ${ref} ${dependency.state}: ${dependency.failed_reason ?? dependency.state}`;
    }
  }
  return undefined;
}

function isFailedEnd(state: JobRecord["state"]): boolean {
  return state === "failed" || state === "cancelled" || state === "expired";
}

async function insert(
  tx: PgTx,
  fresh: NewJobRecord[],
  dependencies: Map<string, Dependency>,
): Promise<JobRow[]> {
  const rows = [];
  for (const record of fresh) {
    // Dependencies come first: a delayed job with unmet ones waits for them, then for its time. Dependencies
    // in the same batch were just created, so they are unmet.
    const unmet = record.opts.dependsOn.some((ref) => !dependencyMet(dependencies.get(ref)));
    const state = unmet ? "waiting-children" : record.runAt > tx.now ? "delayed" : "waiting";
    rows.push({
      queue: record.queue,
      id: record.id,
      name: record.name,
      data: record.data,
      opts: record.opts,
      state,
      priority: record.opts.priority,
      created_at: record.createdAt,
      run_at: record.runAt,
      ready_at: state === "waiting" ? tx.now : null,
      ttl_at: state === "waiting" && record.opts.ttl !== undefined ? tx.now + record.opts.ttl : null,
      dedupe_key: record.opts.dedupe?.key ?? null,
      depends_on: record.opts.dependsOn,
      outbox_at: state === "waiting" && tx.outbox ? 0 : null,
    });
  }
  if (tx.outbox && rows.some((row) => row.outbox_at === 0)) tx.outboxFilled.add(fresh[0]!.queue);
  const groups = [...new Set(fresh.flatMap((record) => (record.opts.group ? [record.opts.group] : [])))];
  if (groups.length > 0) await tx.query("register_groups", [fresh[0]!.queue, groups]);
  return tx.query<JobRow>("insert_jobs", [JSON.stringify(rows)]);
}

/** Promotes the due delayed jobs of a queue now, for a transport; says when the next one is due. */
export async function promoteDueJobs(tx: PgTx, queue: string, now: number): Promise<PromoteResult> {
  const due = (await tx.query<{ id: string }>("due_delayed", [queue, now, BATCH])).map((row) => row.id);
  await toWaiting(tx, queue, due, "delayed");
  const [next] = await tx.query<{ due: string | null }>("next_due", [queue]);
  return { promoted: due.length, nextDueAt: next?.due == null ? undefined : Number(next.due) };
}

/** Reconciliation: waiting jobs ready since before `readyBefore` with no outbox entry get one again. */
export async function rearmStale(
  tx: PgTx,
  queue: string,
  readyBefore: number,
  limit: number,
): Promise<number> {
  const stale = (await tx.query<{ id: string }>("stale_waiting", [queue, readyBefore, limit])).map(
    (r) => r.id,
  );
  if (stale.length === 0) return 0;
  const rearmed = await tx.query("rearm_outbox", [queue, stale]);
  if (rearmed.length > 0) tx.outboxFilled.add(queue);
  return rearmed.length;
}

/** Promotes due delayed jobs and expires stale ttl jobs of a queue. Returns how many of each. */
async function promoteAndExpire(
  tx: PgTx,
  queue: string,
  now: number,
): Promise<{ promoted: number; expired: number }> {
  const due = (await tx.query<{ id: string }>("due_delayed", [queue, now, BATCH])).map((row) => row.id);
  await toWaiting(tx, queue, due, "delayed");
  const stale = (await tx.query<{ id: string }>("due_ttl", [queue, now, BATCH])).map((row) => row.id);
  if (stale.length > 0) {
    for (const row of await tx.query<JobRow>("lock_jobs", [queue, stale])) await expireJob(tx, row);
  }
  return { promoted: due.length, expired: stale.length };
}

/**
 * The common claim in one statement, outside a transaction (see claim_fast.sql); no rows when the queue needs
 * the full pass of claimReady: paused, grouped, a delayed job or ttl due, or simply nothing ready. The caller
 * keeps limiter claims on claimReady, which records each start under the queue-row lock.
 */
export async function claimFast(
  tx: PgTx,
  queue: string,
  request: ReadyClaimRequest,
  max: number,
): Promise<JobRecord[]> {
  const rows = await tx.query<JobRow & { more_waiting: boolean }>("claim_fast", [
    queue,
    max,
    ...leaseParams(request, tx.now),
  ]);
  announceClaims(tx, queue, rows, request.workerId);
  if (rows.length > 0 && !rows[0]!.more_waiting) tx.emit(queue, "drained");
  return rows.map(decodeRow);
}

/** One fetch pass over a queue: promote, expire, then claim under the pause flag and the limiter. */
export async function claimReady(
  tx: PgTx,
  queue: string,
  request: ReadyClaimRequest,
  max: number,
): Promise<{ claimed: JobRecord[]; wakeAt: number | undefined }> {
  // One statement locks the queue row and says whether promotion or expiry is due; usually neither is.
  const [flags] = await tx.query<QueueFlags & { next_due: string | null; ttl_due: boolean }>("claim_state", [
    queue,
    tx.now,
  ]);
  if (!flags) return { claimed: [], wakeAt: undefined };
  let wakeAt = flags.next_due === null ? undefined : Number(flags.next_due);
  if ((wakeAt !== undefined && wakeAt <= tx.now) || flags.ttl_due) {
    await promoteAndExpire(tx, queue, tx.now);
    wakeAt = await nextDue(tx, queue);
  }
  if (flags.paused) return { claimed: [], wakeAt };
  let allowed = max;
  let starts: number[] = [];
  if (request.limiter) {
    starts = flags.limiter_starts.map(Number).filter((t) => t > tx.now - request.limiter!.duration);
    allowed = Math.min(max, request.limiter.max - starts.length);
    if (allowed <= 0)
      return { claimed: [], wakeAt: Math.min(wakeAt ?? Infinity, starts[0]! + request.limiter.duration) };
  }
  let rows: JobRow[];
  if (flags.grouped) {
    const fair = await claimFair(tx, queue, request, allowed, flags);
    rows = fair.rows;
    if (fair.wakeAt !== undefined) wakeAt = Math.min(wakeAt ?? Infinity, fair.wakeAt);
  } else {
    rows = await tx.query<JobRow>("claim_ready", [queue, allowed, ...leaseParams(request, tx.now)]);
  }
  announceClaims(tx, queue, rows, request.workerId);
  if (request.limiter && rows.length > 0) {
    await tx.query("set_limiter", [queue, [...starts, ...rows.map(() => tx.now)]]);
  }
  if (rows.length > 0) {
    const [left] = await tx.query<{ waiting: boolean }>("any_waiting", [queue]);
    if (!left?.waiting) tx.emit(queue, "drained");
  }
  if (rows.length === 0) wakeAt = wakeAt ?? undefined;
  return { claimed: rows.map(decodeRow), wakeAt };
}

/** Puts claimed rows in claim order, (priority, seq): an UPDATE returns them in none. Emits "active" for each. */
function announceClaims(tx: PgTx, queue: string, rows: JobRow[], workerId: string): void {
  rows.sort((a, b) => a.priority - b.priority || Number(a.seq) - Number(b.seq));
  for (const row of rows) tx.emit(queue, "active", row, { prev: "waiting", workerId });
}

async function nextDue(tx: PgTx, queue: string): Promise<number | undefined> {
  const [row] = await tx.query<{ due: string | null }>("next_due", [queue]);
  return row?.due == null ? undefined : Number(row.due);
}

/** Claims jobs named by transport deliveries, one verdict per id. */
export async function claimIds(tx: PgTx, request: ClaimRequest): Promise<ClaimResult[]> {
  const [flags] = await tx.query<QueueFlags>("queue_row", [request.queue]);
  const rows = new Map(
    (await tx.query<JobRow>("lock_jobs", [request.queue, request.ids])).map((r) => [r.id, r]),
  );
  const groupGate = flags?.grouped ? await claimGroupVerdicts(tx, request, [...rows.values()]) : undefined;
  let groupRetryAt: number | undefined;
  let starts = request.limiter
    ? (flags?.limiter_starts ?? []).map(Number).filter((t) => t > tx.now - request.limiter!.duration)
    : [];
  const results: ClaimResult[] = [];
  const toClaim: string[] = [];
  /** Where each id of toClaim sits in results. */
  const claimAt: number[] = [];
  for (const id of request.ids) {
    const row = rows.get(id);
    if (!row || (row.state !== "waiting" && row.state !== "delayed" && row.state !== "waiting-children")) {
      results.push({ id, status: "gone" });
    } else if (row.state !== "waiting") {
      results.push({ id, status: "not-ready" });
    } else if (flags?.paused) {
      results.push({ id, status: "paused" });
    } else if (request.limiter && starts.length >= request.limiter.max) {
      results.push({ id, status: "limited", retryAt: starts[0]! + request.limiter.duration });
    } else if (row.opts.ttl !== undefined && Number(row.ready_at ?? tx.now) + row.opts.ttl < tx.now) {
      const reason = await expireJob(tx, row);
      results.push({
        id,
        status: "expired",
        record: { ...decodeRow(row), state: "expired", failedReason: reason },
      });
      row.state = "expired";
    } else if ((groupRetryAt = groupGate?.admit(row)) !== undefined) {
      results.push({ id, status: "limited", retryAt: groupRetryAt });
    } else {
      // Claimed below, all in one statement; the slot keeps the order of the deliveries.
      row.state = "active";
      if (request.limiter) starts = [...starts, tx.now];
      toClaim.push(id);
      claimAt.push(results.length);
      results.push({ id, status: "gone" });
    }
  }
  if (toClaim.length > 0) {
    const claimed = new Map(
      (await tx.query<JobRow>("claim_ids", [request.queue, toClaim, ...leaseParams(request, tx.now)])).map(
        (row) => [row.id, row],
      ),
    );
    for (const index of claimAt) {
      const id = results[index]!.id;
      const row = claimed.get(id);
      if (!row) continue;
      tx.emit(request.queue, "active", row, { prev: "waiting", workerId: request.workerId });
      results[index] = { id, status: "claimed", record: decodeRow(row) };
    }
  }
  if (request.limiter) await tx.query("set_limiter", [request.queue, starts]);
  await groupGate?.save();
  return results;
}

/** One maintenance pass: promote, recover stalled, expire ttl, age retention. */
export async function maintainQueue(tx: PgTx, queue: string, now: number): Promise<MaintenanceReport> {
  const { promoted, expired } = await promoteAndExpire(tx, queue, now);
  let stalled = 0;
  let failedStalled = 0;
  for (const row of await tx.query<JobRow>("expired_leases", [queue, now, BATCH])) {
    const [count] = await tx.query<{ stalled_count: number }>("count_stall", [queue, row.id]);
    stalled += 1;
    tx.emit(queue, "stalled", row, { attemptsMade: row.attempts_made });
    if ((count?.stalled_count ?? 0) > row.max_stalled) {
      failedStalled += 1;
      await failJob(tx, row, stalledTooOftenReason(row.max_stalled), now);
    } else {
      await toWaiting(tx, queue, [row.id], "active");
    }
  }
  let removed = 0;
  for (const state of ["completed", "failed"] as const) {
    const [oldest] = await tx.query<{ opts: JobRow["opts"] }>("oldest_finished", [queue, state]);
    const policy = state === "completed" ? oldest?.opts.removeOnComplete : oldest?.opts.removeOnFail;
    if (typeof policy === "object" && policy.age !== undefined)
      removed += await applyRetention(tx, queue, state, policy);
  }
  return { promoted, stalled, failedStalled, expired, removed };
}
