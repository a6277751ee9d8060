// Schedules of the PostgreSQL backend: each change locks the schedule's row, so an upsert's merge and a
// slot's compare-and-set plus add are atomic against every other process.
import type { ScheduleFire, ScheduleRecord } from "../records.js";
import { mergeSchedule } from "../schedule-merge.js";
import { enqueueJobs } from "./postgres-operations.js";
import type { PgTx } from "./pg-tx.js";

export async function upsertSchedule(tx: PgTx, incoming: ScheduleRecord): Promise<ScheduleRecord> {
  // The queue lock serialises two first upserts of one key, which have no row to lock yet.
  await tx.query("lock_queue", [incoming.queue]);
  const existing = await lockSchedule(tx, incoming.queue, incoming.key);
  const stored = mergeSchedule(existing, incoming);
  await tx.query("save_schedule", [stored.queue, stored.key, JSON.stringify(stored)]);
  return stored;
}

export async function setSchedulePaused(
  tx: PgTx,
  queue: string,
  key: string,
  paused: boolean,
  nextRunAt: number | undefined,
): Promise<ScheduleRecord | undefined> {
  const existing = await lockSchedule(tx, queue, key);
  if (!existing) return undefined;
  const stored = { ...existing, paused, nextRunAt, updatedAt: tx.now };
  await tx.query("save_schedule", [queue, key, JSON.stringify(stored)]);
  return stored;
}

export async function fireSchedule(tx: PgTx, fire: ScheduleFire): Promise<boolean> {
  const schedule = await lockSchedule(tx, fire.queue, fire.key);
  if (!schedule || schedule.paused || schedule.nextRunAt !== fire.slot) return false;
  await enqueueJobs(tx, [fire.job]);
  const stored = { ...schedule, count: schedule.count + 1, nextRunAt: fire.nextRunAt };
  await tx.query("save_schedule", [fire.queue, fire.key, JSON.stringify(stored)]);
  return true;
}

async function lockSchedule(tx: PgTx, queue: string, key: string): Promise<ScheduleRecord | undefined> {
  const [row] = await tx.query<{ body: ScheduleRecord }>("lock_schedule", [queue, key]);
  return row?.body;
}
