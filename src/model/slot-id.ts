// A schedule's slot is one job whose id derives from (schedule key, slot time), so every process names the same
// job and a slot runs at most once cluster-wide. Model layer: the schedules and the backends that build slot jobs
// share it (the Redis scripts mirror it in scripts/lib/schedules.lua); it imports nothing above core/.

const SLOT_ID_PREFIX = "repeat:";

/** The job id of a schedule's slot: the same in every process, so a slot is one job. */
export function slotJobId(key: string, slot: number): string {
  return `${SLOT_ID_PREFIX}${key}:${slot}`;
}

/** The slot time a slot job's id names, or undefined when `id` is not a slot of `key`. */
export function slotOfJobId(key: string, id: string): number | undefined {
  const head = `${SLOT_ID_PREFIX}${key}:`;
  if (!id.startsWith(head)) return undefined;
  const slot = Number(id.slice(head.length));
  return Number.isSafeInteger(slot) ? slot : undefined;
}
