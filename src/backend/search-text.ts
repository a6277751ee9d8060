// What a job search matches, written once for the stores that match in JavaScript (memory; Redis sorts here).
import type { JobRecord } from "./records.js";

/** The fields a search looks in, as one record's values; a missing failed reason is skipped. */
export function searchedFields(record: Pick<JobRecord, "id" | "name" | "failedReason" | "data">): string[] {
  return record.failedReason === undefined
    ? [record.id, record.name, record.data]
    : [record.id, record.name, record.failedReason, record.data];
}

/**
 * Whether any field contains `needle` (already lowercased), case-insensitively and literally: `includes`,
 * never a pattern, so `%`, `_`, `.*` and `[` are plain characters.
 */
export function matchesSearch(fields: readonly string[], needle: string): boolean {
  return fields.some((field) => field.toLowerCase().includes(needle));
}

/** A matched job's place in the newest-first order: createdAt, then insertion sequence, both descending. */
export interface SearchOrderKey {
  createdAt: number;
  seq: number;
}

/** Sorts newest first: createdAt descending, and insertion order descending among jobs of the same ms. */
export function newestFirst(a: SearchOrderKey, b: SearchOrderKey): number {
  return b.createdAt - a.createdAt || b.seq - a.seq;
}
