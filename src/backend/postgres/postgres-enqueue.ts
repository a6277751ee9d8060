// Enqueue in PostgreSQL: a batch is stored all or none in one transaction, existing ids and held dedupe keys
// return the existing job, and dependencies outside the batch are read under their row locks.
import { ValidationError } from "../../errors/warren-error.js";
import { isTerminalState } from "../../model/job-state.js";
import type { EnqueueResult, JobRecord, NewJobRecord } from "../records.js";
import { enqueuePlain, isPlainAdd } from "./enqueue-plain.js";
import { announceNewJob, newJobRow } from "./new-job-row.js";
import type { PgSession } from "./pg-session.js";
import type { PgTx } from "./pg-tx.js";
import { decodeRow, type JobRow } from "./record-codec.js";
import { failJob } from "./transitions.js";

const UNIQUE_VIOLATION = "23505";

/** Stores a batch in one transaction (see enqueueJobs). */
export async function enqueue(
  session: PgSession,
  records: NewJobRecord[],
  outboxLeasedUntil?: number,
): Promise<EnqueueResult[]> {
  if (!isPlainAdd(records)) return enqueueInTransaction(session, records, outboxLeasedUntil);
  const { stored, left } = await session.tx(
    (tx) => enqueuePlain(tx, session.eventChannel, records, outboxLeasedUntil),
    { atomic: false },
  );
  if (left.length === 0) return records.map((record) => stored.get(record)!);
  const rest = await enqueueInTransaction(session, left, outboxLeasedUntil);
  const others = new Map(left.map((record, i) => [record, rest[i]!]));
  return records.map((record) => stored.get(record) ?? others.get(record)!);
}

async function enqueueInTransaction(
  session: PgSession,
  records: NewJobRecord[],
  outboxLeasedUntil: number | undefined,
): Promise<EnqueueResult[]> {
  try {
    return await session.tx((tx) => enqueueJobs(tx, records, false, outboxLeasedUntil));
  } catch (error) {
    // Two adds of one custom id raced past the existence check: redo under the queue lock, which finds it.
    if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    return session.tx((tx) => enqueueJobs(tx, records, true, outboxLeasedUntil));
  }
}

/**
 * Stores a batch all or none; existing ids and held dedupe keys return the existing job. Only batches with a
 * dedupe key take the queue's advisory lock (its check-then-insert must not race); other adds run in
 * parallel, and the rare race on a custom id surfaces as a unique violation that the caller retries with
 * `serialise` set. Under `outboxLeasedUntil` the new waiting jobs' outbox entries are written leased, not
 * signalled: the caller publishes them (StoreEnqueueOptions).
 */
export async function enqueueJobs(
  tx: PgTx,
  records: NewJobRecord[],
  serialise = false,
  outboxLeasedUntil?: number,
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
    const rows = fresh.length === 0 ? [] : await insert(tx, fresh, dependencies, outboxLeasedUntil);
    const inserted = new Map(rows.map((row) => [row.id, row]));
    for (const record of fresh) {
      let row = inserted.get(record.id)!;
      announceNewJob(tx, record, row.state);
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
  outboxLeasedUntil: number | undefined,
): Promise<JobRow[]> {
  const rows = fresh.map((record) => {
    // Dependencies come first: a delayed job with unmet ones waits for them, then for its time. Dependencies
    // in the same batch were just created, so they are unmet.
    const unmet = record.opts.dependsOn.some((ref) => !dependencyMet(dependencies.get(ref)));
    return newJobRow(tx, record, unmet ? "waiting-children" : undefined, outboxLeasedUntil);
  });
  if (tx.outbox && rows.some((row) => row.outbox_at === 0)) tx.outboxFilled.add(fresh[0]!.queue);
  const groups = [...new Set(fresh.flatMap((record) => (record.opts.group ? [record.opts.group] : [])))];
  if (groups.length > 0) await tx.query("register_groups", [fresh[0]!.queue, groups]);
  return tx.query<JobRow>("insert_jobs", [JSON.stringify(rows)]);
}
