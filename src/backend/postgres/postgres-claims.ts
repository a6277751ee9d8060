// Claims in PostgreSQL: the common claim in one autocommitted statement (FOR UPDATE SKIP LOCKED through the
// partial index of ready jobs), the full pass under the queue-row lock when the queue is paused, grouped,
// limited or has something due, claims by id for a transport, and the renewal of the leases claims grant.
import type { ClaimRequest, ClaimResult, ReadyClaim, ReadyClaimRequest } from "../job-store.js";
import type { JobRecord, LockRef } from "../records.js";
import { readySince } from "./event-times.js";
import type { PgSession } from "./pg-session.js";
import { leaseParams, type PgTx } from "./pg-tx.js";
import { claimFair, claimGroupVerdicts, type QueueFlags } from "./postgres-groups.js";
import { nextDue, promoteAndExpire } from "./postgres-maintain.js";
import { decodeRow, type JobRow } from "./record-codec.js";
import { expireJob } from "./transitions.js";

/** Claims over the named queues until `max` (patterns are resolved by the delivery). */
export async function claimReady(session: PgSession, request: ReadyClaimRequest): Promise<ReadyClaim> {
  const jobs: JobRecord[] = [];
  let wakeAt = Infinity;
  for (const queue of request.queues) {
    const max = request.max - jobs.length;
    if (request.limiter === undefined) {
      const fast = await session.tx((tx) => claimFast(tx, queue, request, max), { atomic: false });
      if (fast.claimed.length > 0 || fast.open) {
        // Claimed, or open with nothing ready: the transaction would only find the same.
        jobs.push(...fast.claimed);
        if (fast.nextDue !== undefined) wakeAt = Math.min(wakeAt, fast.nextDue);
        if (jobs.length >= request.max) break;
        continue;
      }
    }
    const result = await session.tx((tx) => claimQueue(tx, queue, request, max));
    jobs.push(...result.claimed);
    wakeAt = Math.min(wakeAt, result.wakeAt ?? Infinity);
    if (jobs.length >= request.max) break;
  }
  return { jobs, queues: request.queues, wakeAt: wakeAt === Infinity ? undefined : wakeAt };
}

/** Renews the leases still held (same token, still active); returns the ones that were lost. */
export async function extendLocks(session: PgSession, locks: LockRef[], lockMs: number): Promise<LockRef[]> {
  const lost: LockRef[] = [];
  const byQueue = new Map<string, LockRef[]>();
  for (const lock of locks) byQueue.set(lock.queue, [...(byQueue.get(lock.queue) ?? []), lock]);
  for (const [queue, list] of byQueue) {
    const renewed = new Set(
      (
        await session.query<{ id: string }>("extend_locks", [
          queue,
          list.map((lock) => lock.id),
          list.map((lock) => lock.token),
          session.clock.now() + lockMs,
        ])
      ).map((row) => row.id),
    );
    for (const lock of list) if (!renewed.has(lock.id)) lost.push(lock);
  }
  return lost;
}

/** Claims jobs named by transport deliveries, one verdict per id, in one transaction. */
export function claimJobs(session: PgSession, request: ClaimRequest): Promise<ClaimResult[]> {
  return session.tx((tx) => claimIds(tx, request));
}

/** What the one-statement claim did: the jobs it claimed, or why it claimed none. */
interface FastClaim {
  claimed: JobRecord[];
  /** Nothing stood in its way (pause, groups, something due): an empty claim means nothing was ready. */
  open: boolean;
  /** When the queue's earliest delayed job is due, if it claimed nothing. */
  nextDue: number | undefined;
}

/** One row of claim_fast: a claimed job, or (job columns null) the one row that says why none was. */
type FastClaimRow = (JobRow | { [Column in keyof JobRow]: null }) & {
  more_waiting: boolean;
  open: boolean;
  next_due: string | null;
};

/**
 * The common claim in one statement, outside a transaction (see claim_fast.sql). When it claims nothing it
 * says whether the queue needs the full pass of claimQueue (paused, grouped, a delayed job or ttl due) or
 * simply had nothing ready. The caller keeps limiter claims on claimQueue, which records each start under the
 * queue-row lock.
 */
async function claimFast(
  tx: PgTx,
  queue: string,
  request: ReadyClaimRequest,
  max: number,
): Promise<FastClaim> {
  const rows = await tx.query<FastClaimRow>("claim_fast", [queue, max, ...leaseParams(request, tx.now)]);
  const first = rows[0];
  if (first === undefined || first.id === null) {
    const due = first?.next_due ?? null;
    return { claimed: [], open: first?.open ?? false, nextDue: due === null ? undefined : Number(due) };
  }
  // The null row comes only alone: every row is a claimed job.
  const claimed = rows as Array<JobRow & FastClaimRow>;
  announceClaims(tx, queue, claimed, request.workerId);
  if (!first.more_waiting) tx.emit(queue, "drained");
  return { claimed: claimed.map(decodeRow), open: true, nextDue: undefined };
}

/** One fetch pass over a queue: promote, expire, then claim under the pause flag and the limiter. */
async function claimQueue(
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
  for (const row of rows) tx.emit(queue, "active", row, { prev: "waiting", workerId, ...readySince(row) });
}

/** Claims jobs named by transport deliveries, one verdict per id. */
async function claimIds(tx: PgTx, request: ClaimRequest): Promise<ClaimResult[]> {
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
      tx.emit(request.queue, "active", row, {
        prev: "waiting",
        workerId: request.workerId,
        ...readySince(row),
      });
      results[index] = { id, status: "claimed", record: decodeRow(row) };
    }
  }
  if (request.limiter) await tx.query("set_limiter", [request.queue, starts]);
  await groupGate?.save();
  return results;
}
