// The memory backend's enqueue: dedupe by id and key, check dependencies, then insert each new job in its
// entry state — all decided before anything is written, so a rejected batch leaves nothing behind.
import { isTerminalState } from "../../model/job-state.js";
import type { EnqueueResult, NewJobRecord } from "../records.js";
import { copyRecord, type MemoryCore } from "./memory-core.js";
import { newStoredJob, type StoredJob } from "./queue-state.js";

/** Stores a batch synchronously, all or none (throws before writing anything). */
export function enqueueRecords(
  core: MemoryCore,
  records: NewJobRecord[],
  outboxLeasedUntil?: number,
): EnqueueResult[] {
  core.assertOpen();
  const now = core.clock.now();
  const batch = new Map<string, StoredJob>();
  const plan: Array<{ existing: StoredJob } | { created: StoredJob }> = [];
  for (const record of records) {
    const existing = findDuplicate(core, record, batch, now);
    if (existing) {
      plan.push({ existing });
      continue;
    }
    const job = newStoredJob(record, core.nextSeq());
    batch.set(`${record.queue}:${record.id}`, job);
    if (job.opts.dedupe) batch.set(`dedupe\u0000${record.queue}\u0000${job.opts.dedupe.key}`, job);
    plan.push({ created: job });
  }
  for (const entry of plan) {
    if ("created" in entry) core.checkDependencies(entry.created, batch);
  }
  const results: EnqueueResult[] = [];
  for (const entry of plan) {
    if ("existing" in entry) {
      results.push({ record: copyRecord(entry.existing), created: false });
      continue;
    }
    insertNew(core, entry.created, now, outboxLeasedUntil);
    results.push({ record: copyRecord(entry.created), created: true });
  }
  return results;
}

function findDuplicate(
  core: MemoryCore,
  record: NewJobRecord,
  batch: Map<string, StoredJob>,
  now: number,
): StoredJob | undefined {
  const inBatch = batch.get(`${record.queue}:${record.id}`);
  if (inBatch) return inBatch;
  const queue = core.queues.get(record.queue);
  const sameId = queue?.jobs.get(record.id);
  if (sameId) return sameId;
  const dedupe = record.opts.dedupe;
  if (!dedupe) return undefined;
  const batchHolder = batch.get(`dedupe\u0000${record.queue}\u0000${dedupe.key}`);
  if (batchHolder) return batchHolder;
  const holderId = queue?.dedupe.get(dedupe.key);
  const holder = holderId === undefined ? undefined : queue?.jobs.get(holderId);
  if (!holder) return undefined;
  const withinTtl = dedupe.ttl !== undefined && now - holder.createdAt < dedupe.ttl;
  return !isTerminalState(holder.state) || withinTtl ? holder : undefined;
}

function insertNew(
  core: MemoryCore,
  job: StoredJob,
  now: number,
  outboxLeasedUntil: number | undefined,
): void {
  const queue = core.queue(job.queue);
  // Dependencies come first: a delayed job with unmet ones waits for them, then for its time.
  const unmet = job.opts.dependsOn.length > 0 && !core.dependenciesMet(job);
  job.state = unmet ? "waiting-children" : job.runAt > now ? "delayed" : "waiting";
  if (job.state === "waiting") job.readyAt = now;
  queue.insert(job);
  if (job.state === "waiting") core.recordReady(queue, job, outboxLeasedUntil);
  for (const ref of job.opts.dependsOn) {
    let set = core.dependants.get(ref);
    if (!set) core.dependants.set(ref, (set = new Set()));
    set.add(`${job.queue}:${job.id}`);
  }
  core.emit(queue.name, "added", job);
  core.emit(queue.name, job.state, job, job.state === "delayed" ? { runAt: job.runAt } : {});
  // A delayed job may be due before every parked fetch's wake-up: they look again and re-arm on it.
  if (job.state === "waiting" || job.state === "delayed") core.notify(queue.name);
  // A dependency that already failed for good means this job can never run: it fails now, not never.
  const failed = job.state === "waiting-children" ? core.failedDependency(job) : undefined;
  if (failed) core.failJob(queue, job, failed, now);
}
