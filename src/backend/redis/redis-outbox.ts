// The Redis store's side of a transport (JobStore's outbox methods): the outbox of ready jobs to publish, claims
// by id when a message arrives, due promotion on the transport's timers, and reconciliation of lost deliveries.
import type { ClaimRequest, ClaimResult, OutboxEntry, PromoteResult } from "../job-store.js";
import { decodeRecord } from "./record-codec.js";
import type { RedisStoreContext } from "./redis-context.js";
import { leaseArgs } from "./redis-util.js";

/** Claims the jobs named by delivery messages (claim-job-ids): one verdict per id, in order. */
export async function claimJobs(ctx: RedisStoreContext, request: ClaimRequest): Promise<ClaimResult[]> {
  const reply = (await ctx.run("claim-job-ids", request.queue, [
    ctx.clock.now(),
    ...leaseArgs(request, ctx.outbox()),
    ...request.ids,
  ])) as Array<[string, unknown?]>;
  return reply.map(([status, payload], i): ClaimResult => {
    const id = request.ids[i]!;
    switch (status) {
      case "claimed":
        return { id, status: "claimed", record: decodeRecord(payload) };
      case "expired":
        return { id, status: "expired", record: decodeRecord(payload) };
      case "limited":
        return { id, status: "limited", retryAt: Number(payload) };
      case "paused":
        return { id, status: "paused" };
      case "not-ready":
        return { id, status: "not-ready" };
      default:
        return { id, status: "gone" };
    }
  });
}

/** Leases up to `limit` outbox entries for `leaseMs` (take-outbox). */
export async function takeOutbox(
  ctx: RedisStoreContext,
  queue: string,
  now: number,
  limit: number,
  leaseMs: number,
): Promise<OutboxEntry[]> {
  const reply = (await ctx.run("take-outbox", queue, [now, limit, leaseMs])) as Array<Array<string | null>>;
  return reply.map(([id, name, data, priority, traceparent, tracestate]) => ({
    id: id!,
    name: name!,
    data: data!,
    priority: Number(priority),
    trace: traceparent ? { traceparent, ...(tracestate ? { tracestate } : {}) } : undefined,
  }));
}

/** Forgets published entries still under the lease they were taken with (ack-outbox). */
export async function ackOutbox(
  ctx: RedisStoreContext,
  queue: string,
  ids: string[],
  leasedUntil: number,
): Promise<void> {
  if (ids.length > 0) await ctx.run("ack-outbox", queue, [leasedUntil, ...ids]);
}

/** When the queue's earliest delayed job is due, if it has one. */
export async function nextDueAt(ctx: RedisStoreContext, queue: string): Promise<number | undefined> {
  const head = await ctx.command(() => ctx.client.zrange(ctx.keys.delayed(queue), "0", "0", "WITHSCORES"));
  return head[1] === undefined ? undefined : Number(head[1]);
}

/** Moves the queue's due delayed jobs to waiting and the outbox (promote-due). */
export async function promoteDue(ctx: RedisStoreContext, queue: string, now: number): Promise<PromoteResult> {
  const [promoted, next] = (await ctx.run("promote-due", queue, [now, ctx.outbox()])) as [number, number];
  return { promoted, nextDueAt: next > 0 ? next : undefined };
}

/** Gives waiting jobs ready before `readyBefore` without an outbox entry one again (rearm-stale). */
export async function rearmStale(
  ctx: RedisStoreContext,
  queue: string,
  readyBefore: number,
  limit: number,
): Promise<number> {
  return (await ctx.run("rearm-stale", queue, [readyBefore, limit])) as number;
}
