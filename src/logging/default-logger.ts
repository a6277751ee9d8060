// The logger a user who passes none gets: pino, writing JSON lines to stderr at WARREN_LOG_LEVEL (default
// `warn`). pino is loaded at the first record that passes the level, so a quiet process never loads it.
import { createRequire } from "node:module";
import type * as Pino from "pino";
import { DEFAULT_LOG_LEVEL, LOG_LEVELS, isLogLevel, levelEnabled, type LogLevel } from "./log-levels.js";
import { warrenRedaction } from "./log-redaction.js";
import type { LogFn, Logger } from "./logger.js";

type PinoModule = typeof Pino.pino;
type WrittenLevel = "debug" | "info" | "warn" | "error";

let level: LogLevel | undefined;
let root: Pino.Logger | undefined;
let badEnvLevel: string | undefined;

/** The level the default logger writes at: set by {@link setDefaultLogLevel}, else WARREN_LOG_LEVEL, else warn. */
export function defaultLogLevel(): LogLevel {
  if (level === undefined) {
    const fromEnv = process.env["WARREN_LOG_LEVEL"]?.trim().toLowerCase();
    if (fromEnv === undefined || fromEnv === "") level = DEFAULT_LOG_LEVEL;
    else if (isLogLevel(fromEnv)) level = fromEnv;
    else {
      level = DEFAULT_LOG_LEVEL;
      badEnvLevel = fromEnv;
    }
  }
  return level;
}

/** Sets the default logger's level for this process (the CLI's `--log-level`). */
export function setDefaultLogLevel(next: LogLevel): void {
  level = next;
}

function rootLogger(): Pino.Logger {
  if (root) return root;
  // Loaded here, not imported: an application that brings its own logger, or logs nothing, never pays for pino.
  const pino = createRequire(import.meta.url)("pino") as PinoModule;
  root = pino(
    // pino writes all it is handed: the level is applied before (DeferredLogger), so children follow changes.
    { name: "warren", level: "trace", redact: { ...warrenRedaction, paths: [...warrenRedaction.paths] } },
    // Synchronous: the record of a crash must be on stderr before the process exits.
    pino.destination({ dest: 2, sync: true }),
  );
  if (badEnvLevel !== undefined) {
    root.warn(
      { WARREN_LOG_LEVEL: badEnvLevel },
      `WARREN_LOG_LEVEL=${badEnvLevel} is not a level; logging at ${DEFAULT_LOG_LEVEL}. ` +
        `Use one of ${LOG_LEVELS.join(", ")}`,
    );
    badEnvLevel = undefined;
  }
  return root;
}

/** Defers pino (and each child) until a record passes the level. */
class DeferredLogger implements Logger {
  private target: Pino.Logger | undefined;
  readonly debug: LogFn = (...args: unknown[]) => this.write("debug", args);
  readonly info: LogFn = (...args: unknown[]) => this.write("info", args);
  readonly warn: LogFn = (...args: unknown[]) => this.write("warn", args);
  readonly error: LogFn = (...args: unknown[]) => this.write("error", args);

  constructor(private readonly bindings: Readonly<Record<string, unknown>>) {}

  child(bindings: Record<string, unknown>): Logger {
    return new DeferredLogger({ ...this.bindings, ...bindings });
  }

  private write(at: WrittenLevel, args: unknown[]): void {
    if (!levelEnabled(at, defaultLogLevel())) return;
    this.target ??= Object.keys(this.bindings).length > 0 ? rootLogger().child(this.bindings) : rootLogger();
    this.target[at](...(args as [string]));
  }
}

const shared = new DeferredLogger({});

/** The process-wide default logger (see the file header). */
export function defaultLogger(): Logger {
  return shared;
}
