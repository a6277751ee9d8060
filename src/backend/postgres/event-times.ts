// The times an event carries so a metrics process can measure waits and runs from the event stream alone.
import type { QueueEventRecord } from "../records.js";

/** For `active`: when the claimed row became ready. */
export function readySince(row: { ready_at: string | null }): Pick<QueueEventRecord, "readyAt"> {
  return row.ready_at === null ? {} : { readyAt: Number(row.ready_at) };
}

/** For the end of a try: when it started. */
export function startedAt(row: { processed_at: string | null }): Pick<QueueEventRecord, "processedAt"> {
  return row.processed_at === null ? {} : { processedAt: Number(row.processed_at) };
}
