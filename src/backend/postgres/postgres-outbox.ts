// The outbox of the PostgreSQL store, for a transport (see JobStore.watch): ready jobs whose delivery message is
// not yet confirmed, taken under a lease so a lost confirm republishes, and reconciled when a delivery is lost.
import type { OutboxEntry } from "../job-store.js";
import type { PgSession } from "./pg-session.js";
import type { PgTx } from "./pg-tx.js";

/** A row take_outbox returns. */
interface OutboxRow {
  id: string;
  name: string;
  data: string;
  priority: number;
  traceparent: string | null;
  tracestate: string | null;
}

/** Up to `limit` entries of a queue to publish (new, or a lease run out), leased until now + leaseMs. */
export async function takeOutbox(
  session: PgSession,
  queue: string,
  now: number,
  limit: number,
  leaseMs: number,
): Promise<OutboxEntry[]> {
  const rows = await session.query<OutboxRow>("take_outbox", [queue, now, limit, now + leaseMs]);
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    data: row.data,
    priority: row.priority,
    trace:
      row.traceparent === null
        ? undefined
        : {
            traceparent: row.traceparent,
            ...(row.tracestate === null ? {} : { tracestate: row.tracestate }),
          },
  }));
}

/** Publishes were confirmed: forgets the entries still under that lease (one made again since stays). */
export async function ackOutbox(
  session: PgSession,
  queue: string,
  ids: string[],
  leasedUntil: number,
): Promise<void> {
  if (ids.length > 0) await session.query("ack_outbox", [queue, ids, leasedUntil]);
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
