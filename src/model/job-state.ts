// Job states as data, which of them are terminal, and why a job that stalls too often fails. Model layer: the
// handles and every backend share it, so it imports nothing above core/ and errors/.

/** Every state a job can be in. */
export const JOB_STATES = [
  "waiting",
  "delayed",
  "waiting-children",
  "active",
  "completed",
  "failed",
  "cancelled",
  "expired",
] as const;

/** One of {@link JOB_STATES}. */
export type JobState = (typeof JOB_STATES)[number];

/** States a job never leaves except by removal or an explicit retry. */
export const TERMINAL_STATES: readonly JobState[] = ["completed", "failed", "cancelled", "expired"];

/** Whether a job in `state` has finished for good. */
export function isTerminalState(state: JobState): boolean {
  return state === "completed" || state === "failed" || state === "cancelled" || state === "expired";
}

/** Whether `value` names a job state. */
export function isJobState(value: unknown): value is JobState {
  return typeof value === "string" && (JOB_STATES as readonly string[]).includes(value);
}

/** The failed reason of a job that stalled more often than its `maxStalledCount` allows. */
export function stalledTooOftenReason(maxStalledCount: number): string {
  return (
    `job stalled more than ${maxStalledCount} time(s): its worker stopped renewing the lock ` +
    `(crashed, or blocked the event loop)`
  );
}
