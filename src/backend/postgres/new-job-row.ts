// A new job as the row insert_jobs and enqueue_plain store: its entry state, when it became ready, its ttl and
// outbox entry, from the record and the transaction's clock.
import type { NewJobRecord } from "../records.js";
import type { PgTx } from "./pg-tx.js";
import type { JobRow } from "./record-codec.js";

/** What insert_jobs and enqueue_plain read for a new job (see insert_jobs.sql). */
export interface NewJobRow {
  queue: string;
  id: string;
  name: string;
  data: string;
  opts: NewJobRecord["opts"];
  state: "waiting-children" | "delayed" | "waiting";
  priority: number;
  created_at: number;
  run_at: number;
  ready_at: number | null;
  ttl_at: number | null;
  dedupe_key: string | null;
  depends_on: string[];
  outbox_at: number | null;
  traceparent: string | null;
  tracestate: string | null;
  parent: string | null;
}

/** A new job's row; its entry state is `waiting-children` when given, else waiting or delayed by its time. */
export function newJobRow(
  tx: PgTx,
  record: NewJobRecord,
  held: "waiting-children" | undefined,
  outboxLeasedUntil: number | undefined,
): NewJobRow {
  const state = held ?? (record.runAt > tx.now ? "delayed" : "waiting");
  return {
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
    outbox_at: state === "waiting" && tx.outbox ? (outboxLeasedUntil ?? 0) : null,
    traceparent: record.trace?.traceparent ?? null,
    tracestate: record.trace?.tracestate ?? null,
    parent: record.parent ? `${record.parent.queue}:${record.parent.id}` : null,
  };
}

/** The events of a job just stored: "added", then its entry state's (a delayed job's with its due time). */
export function announceNewJob(tx: PgTx, record: NewJobRecord, state: JobRow["state"]): void {
  tx.emit(record.queue, "added", record);
  tx.emit(record.queue, state, record, state === "delayed" ? { runAt: record.runAt } : {});
}
