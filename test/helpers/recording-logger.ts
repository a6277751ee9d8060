// A Logger that keeps every record in memory, with the bindings of the child it came through, for tests that
// assert what Warren logs.
import type { Logger, LogFn } from "../../src/index.js";

export interface LogRecord {
  level: "debug" | "info" | "warn" | "error";
  message: string;
  /** The record's fields merged over its child's bindings. */
  fields: Record<string, unknown>;
}

export interface RecordingLogger extends Logger {
  readonly records: LogRecord[];
  /** Records whose message contains `text`. */
  matching(text: string): LogRecord[];
}

export function recordingLogger(): RecordingLogger {
  const records: LogRecord[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const at =
      (level: LogRecord["level"]): LogFn =>
      (first: object | string, message?: string) => {
        const fields = typeof first === "string" ? {} : (first as Record<string, unknown>);
        const text = typeof first === "string" ? first : (message ?? "");
        records.push({ level, message: text, fields: { ...bindings, ...fields } });
      };
    return {
      debug: at("debug"),
      info: at("info"),
      warn: at("warn"),
      error: at("error"),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return Object.assign(make({}), {
    records,
    matching: (text: string) => records.filter((record) => record.message.includes(text)),
  });
}
