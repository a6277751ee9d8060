// The logging seam: any pino-compatible logger. Warren never writes to the console; it logs through one of these.

/** One log method: a structured record with an optional message, or a message alone (pino's signatures). */
export interface LogFn {
  (record: object, message?: string): void;
  (message: string): void;
}

/**
 * What Warren needs of a logger: pino's level methods and `child`. A pino logger is one; so is anything shaped
 * like it (a winston adapter, a test recorder).
 */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  /** A logger that adds `bindings` (such as `{ queue }`) to every record. */
  child(bindings: Record<string, unknown>): Logger;
}

const LEVEL_METHODS = ["debug", "info", "warn", "error", "child"] as const;

/** Whether `value` has every method of {@link Logger}. */
export function isLogger(value: unknown): value is Logger {
  if (typeof value !== "object" || value === null) return false;
  return LEVEL_METHODS.every((method) => typeof (value as Record<string, unknown>)[method] === "function");
}

const ignore: LogFn = () => undefined;

/** A logger that drops everything. */
export const silentLogger: Logger = Object.freeze({
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
  child: () => silentLogger,
});
