// The common add in one statement (see enqueue_plain.sql): plain jobs, one or a batch, stored and announced
// without a transaction around them. A producer's adds that arrive while one is in flight go out together as a
// batch: were a batch the six-round-trip transaction, the adds arriving meanwhile would pile up behind it, and
// at 1,000 adds/s that pile-up was the p99. Dedupe keys, dependencies, groups and an id that exists already
// take enqueueJobs' transaction.
import type { EnqueueResult, NewJobRecord } from "../records.js";
import type { PgTx } from "./pg-tx.js";
import { decodeRow, type JobRow } from "./record-codec.js";
import { announceNewJob, newJobRow } from "./new-job-row.js";

/** Whether every job of a batch is a plain one that enqueue_plain stores. */
export function isPlainAdd(records: NewJobRecord[]): boolean {
  return records.every(
    ({ opts }) => opts.dedupe === undefined && opts.dependsOn.length === 0 && opts.group === undefined,
  );
}

/** What one enqueue_plain statement did. */
export interface PlainAdd {
  /** The jobs it stored, by record. */
  stored: Map<NewJobRecord, EnqueueResult>;
  /** The jobs it did not store (their ids exist): for the general path. */
  left: NewJobRecord[];
}

/**
 * Stores and announces the batch in one statement. When an id exists, nothing is stored and everything is left;
 * when a concurrent add of one of the ids came in between, the jobs stored are announced after the statement, in
 * a second one, and the rest are left.
 */
export async function enqueuePlain(
  tx: PgTx,
  channel: string,
  records: NewJobRecord[],
  outboxLeasedUntil: number | undefined,
): Promise<PlainAdd> {
  const rows = records.map((record) => newJobRow(tx, record, undefined, outboxLeasedUntil));
  records.forEach((record, i) => announceNewJob(tx, record, rows[i]!.state));
  const returned = await tx.query<JobRow>("enqueue_plain", [
    JSON.stringify(rows),
    channel,
    JSON.stringify(tx.takePayloads()),
  ]);
  const byKey = new Map(returned.map((row) => [`${row.queue}\u0000${row.id}`, row]));
  const stored = new Map<NewJobRecord, EnqueueResult>();
  const left: NewJobRecord[] = [];
  records.forEach((record, i) => {
    const row = byKey.get(`${record.queue}\u0000${record.id}`);
    if (!row) {
      left.push(record);
      return;
    }
    stored.set(record, { record: decodeRow(row), created: true });
    if (rows[i]!.outbox_at === 0) tx.outboxFilled.add(record.queue);
  });
  // Announced after the statement, as a self-committed statement's events are (PgSession.tx).
  if (stored.size > 0 && left.length > 0) {
    for (const [record, { record: job }] of stored) announceNewJob(tx, record, job.state);
  }
  return { stored, left };
}
