// The Redis store's hot path: enqueue, claim, lease renewal, finish and maintenance, one script call per queue
// each (claim-jobs, extend-locks, finish-jobs, maintain-queue; enqueue-jobs once for a whole batch).
import type { ReadyClaim, ReadyClaimRequest } from "../job-store.js";
import type {
  EnqueueResult,
  FinishStatus,
  JobRecord,
  LockRef,
  MaintenanceReport,
  NewJobRecord,
  Outcome,
} from "../records.js";
import { decodeEnqueueReply, decodeRecord, type EnqueueReply, toEnqueuePayload } from "./record-codec.js";
import { enqueueAcross, repairAcross, spansQueues } from "./redis-cross-queue.js";
import type { RedisStoreContext } from "./redis-context.js";
import { groupBy, leaseArgs } from "./redis-util.js";

/** Stores a batch (it may span queues) in one script, all or none; on a cluster, see redis-cross-queue.ts. */
export async function enqueue(
  ctx: RedisStoreContext,
  records: NewJobRecord[],
  outboxLeasedUntil?: number,
): Promise<EnqueueResult[]> {
  if (ctx.cluster && spansQueues(records)) return enqueueAcross(ctx, records, outboxLeasedUntil);
  const queues = [...new Set(records.map((record) => record.queue))];
  // The registry (for topic patterns and listQueues) lives outside the queues' slots, so it is written
  // beside the script rather than inside it; pipelined on the same connection, it costs no round-trip.
  // Awaited together: a registry write left floating rejected unhandled when the server was down, and Node
  // exits on an unhandled rejection.
  const [reply] = (await Promise.all([
    ctx.run("enqueue-jobs", queues[0]!, [
      ctx.clock.now(),
      ctx.outbox(),
      JSON.stringify(records.map(toEnqueuePayload)),
      outboxLeasedUntil ?? "",
    ]),
    ...queues.map((queue) => ctx.register(queue)),
  ])) as [EnqueueReply, ...unknown[]];
  return reply.map((entry, i) => decodeEnqueueReply(records[i]!, entry));
}

/** One claim per named queue until `max` jobs (patterns are resolved by the delivery). */
export async function claimReady(ctx: RedisStoreContext, request: ReadyClaimRequest): Promise<ReadyClaim> {
  const jobs: JobRecord[] = [];
  let wakeAt = Infinity;
  for (const queue of request.queues) {
    const [nextDue, limiterReset, claimed] = (await ctx.run("claim-jobs", queue, [
      ctx.clock.now(),
      request.max - jobs.length,
      ...leaseArgs(request, ctx.outbox()),
    ])) as [number, number, string[]];
    for (const json of claimed) jobs.push(decodeRecord(json));
    if (nextDue > 0) wakeAt = Math.min(wakeAt, nextDue);
    if (limiterReset > 0) wakeAt = Math.min(wakeAt, limiterReset);
    if (jobs.length >= request.max) break;
  }
  return { jobs, queues: request.queues, wakeAt: wakeAt === Infinity ? undefined : wakeAt };
}

/** Renews the leases still held; returns the locks that were lost. */
export async function extendLocks(
  ctx: RedisStoreContext,
  locks: LockRef[],
  lockMs: number,
): Promise<LockRef[]> {
  const lost: LockRef[] = [];
  for (const [queue, list] of groupBy(locks, (lock) => lock.queue)) {
    const ids = (await ctx.run("extend-locks", queue, [
      ctx.clock.now(),
      lockMs,
      ...list.flatMap((lock) => [lock.id, lock.token]),
    ])) as string[];
    const lostIds = new Set(ids);
    for (const lock of list) if (lostIds.has(lock.id)) lost.push(lock);
  }
  return lost;
}

/** Records outcomes, one finish-jobs call per queue; a status per outcome, in order. */
export async function finish(ctx: RedisStoreContext, outcomes: Outcome[]): Promise<FinishStatus[]> {
  const statuses = new Map<Outcome, FinishStatus>();
  for (const [queue, list] of groupBy(outcomes, (outcome) => outcome.lock.queue)) {
    const reply = (await ctx.run("finish-jobs", queue, [
      ctx.clock.now(),
      ctx.outbox(),
      JSON.stringify(list.map(finishPayload)),
    ])) as FinishStatus[];
    list.forEach((outcome, i) => statuses.set(outcome, reply[i] ?? "lock-lost"));
  }
  return outcomes.map((outcome) => statuses.get(outcome) ?? "lock-lost");
}

/** An outcome as finish-jobs reads it (see its header). */
function finishPayload(o: Outcome): Record<string, unknown> {
  return {
    kind: o.kind,
    id: o.lock.id,
    token: o.lock.token,
    finishedAt: o.finishedAt,
    ...(o.kind === "completed" && o.returnValue !== undefined ? { returnValue: o.returnValue } : {}),
    ...(o.kind === "failed"
      ? {
          reason: o.reason,
          stack: o.stacktrace.join("\n"),
          ...(o.retryAt === undefined ? {} : { retryAt: o.retryAt }),
        }
      : {}),
    ...(o.kind === "cancelled" ? { reason: o.reason } : {}),
  };
}

/** One maintenance pass of a queue (maintain-queue). */
export async function maintain(
  ctx: RedisStoreContext,
  queue: string,
  now: number,
): Promise<MaintenanceReport> {
  const [promoted, stalled, failedStalled, expired, removed] = (await ctx.run("maintain-queue", queue, [
    now,
    ctx.outbox(),
  ])) as number[];
  if (ctx.cluster) await repairAcross(ctx, queue, now);
  return {
    promoted: promoted ?? 0,
    stalled: stalled ?? 0,
    failedStalled: failedStalled ?? 0,
    expired: expired ?? 0,
    removed: removed ?? 0,
  };
}
