// Schedules of the PostgreSQL backend: each change locks the schedule's row and keeps its pending slot job (a
// delayed job due at the next run) in step in the same transaction, against every other process.
import { slotJobId } from "../../model/slot-id.js";
import type { ScheduleFire, ScheduleRecord } from "../records.js";
import { mergeSchedule } from "../schedule-merge.js";
import { slotJobRecord } from "../schedule-slot.js";
import { lockJob, removeJob } from "./postgres-admin.js";
import { enqueueJobs } from "./postgres-enqueue.js";
import type { PgSession } from "./pg-session.js";
import type { PgTx } from "./pg-tx.js";

/** The schedules of a queue, by key. */
export async function listSchedules(session: PgSession, queue: string): Promise<ScheduleRecord[]> {
  return (await session.query<{ body: ScheduleRecord }>("list_schedules", [queue])).map((row) => row.body);
}

export async function upsertSchedule(tx: PgTx, incoming: ScheduleRecord): Promise<ScheduleRecord> {
  // The queue lock serialises two first upserts of one key, which have no row to lock yet.
  await tx.query("lock_queue", [incoming.queue]);
  const existing = await lockSchedule(tx, incoming.queue, incoming.key);
  const stored = mergeSchedule(existing, incoming);
  if (existing && !existing.paused) await dropDelayedSlot(tx, existing);
  // The pending slot job reflects the latest template: made again while it has not started.
  await dropDelayedSlot(tx, stored);
  await tx.query("save_schedule", [stored.queue, stored.key, JSON.stringify(stored)]);
  await addSlotJob(tx, stored);
  return stored;
}

export async function removeSchedule(tx: PgTx, queue: string, key: string): Promise<boolean> {
  const existing = await lockSchedule(tx, queue, key);
  if (!existing) return false;
  await dropDelayedSlot(tx, existing);
  return (await tx.query("remove_schedule", [queue, key])).length === 1;
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
  if (paused) await dropDelayedSlot(tx, existing);
  const stored = { ...existing, paused, nextRunAt, updatedAt: tx.now };
  await tx.query("save_schedule", [queue, key, JSON.stringify(stored)]);
  await addSlotJob(tx, stored);
  return stored;
}

export async function fireSchedule(tx: PgTx, fire: ScheduleFire): Promise<boolean> {
  const schedule = await lockSchedule(tx, fire.queue, fire.key);
  if (!schedule || schedule.paused || schedule.nextRunAt !== fire.slot) return false;
  const stored = {
    ...schedule,
    count: schedule.count + (fire.counted ? 1 : 0),
    nextRunAt: fire.nextRunAt,
  };
  await tx.query("save_schedule", [fire.queue, fire.key, JSON.stringify(stored)]);
  await addSlotJob(tx, stored);
  return true;
}

async function lockSchedule(tx: PgTx, queue: string, key: string): Promise<ScheduleRecord | undefined> {
  const [row] = await tx.query<{ body: ScheduleRecord }>("lock_schedule", [queue, key]);
  return row?.body;
}

/** Adds the job of the schedule's next run (an existing id adds nothing), unless it is paused or ended. */
async function addSlotJob(tx: PgTx, schedule: ScheduleRecord): Promise<void> {
  if (schedule.paused || schedule.nextRunAt === undefined) return;
  await enqueueJobs(tx, [slotJobRecord(schedule, schedule.nextRunAt, tx.now)]);
}

/** Removes the job of the schedule's next run while it is still delayed (its slot has not come). */
async function dropDelayedSlot(tx: PgTx, schedule: ScheduleRecord): Promise<void> {
  if (schedule.nextRunAt === undefined) return;
  const id = slotJobId(schedule.key, schedule.nextRunAt);
  if ((await lockJob(tx, schedule.queue, id))?.state === "delayed") await removeJob(tx, schedule.queue, id);
}
