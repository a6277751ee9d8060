// The levels Warren logs at, in pino's names and order, and the one level a process runs at.

/** Levels from the most to the least verbose; `silent` logs nothing. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The level when WARREN_LOG_LEVEL is unset: problems only, never a line per job. */
export const DEFAULT_LOG_LEVEL: LogLevel = "warn";

/** Whether `value` names a level. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === "string" && (LOG_LEVELS as readonly string[]).includes(value);
}

/** Whether a record at `level` is written by a logger at `threshold`. */
export function levelEnabled(level: LogLevel, threshold: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(threshold);
}
