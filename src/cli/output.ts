// How the CLI prints: aligned tables for people, JSON with --json for scripts; errors to stderr with exit codes.
import { redactUrl } from "../core/redact-url.js";
import { ValidationError } from "../errors/warren-error.js";
import { inCliWords } from "./cli-wording.js";

/** Exit codes: 0 ok, 1 operational failure, 2 bad usage or input. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Prints rows as a table, or the value as JSON. */
export function print(value: unknown, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  if (Array.isArray(value)) {
    printTable(value as Array<Record<string, unknown>>);
    return;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    const width = Math.max(0, ...entries.map(([key]) => key.length));
    for (const [key, item] of entries) process.stdout.write(`${key.padEnd(width)}  ${cell(item)}\n`);
    return;
  }
  process.stdout.write(`${cell(value)}\n`);
}

function printTable(rows: Array<Record<string, unknown>>): void {
  if (rows.length === 0) {
    process.stdout.write("(none)\n");
    return;
  }
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const widths = columns.map((column) =>
    Math.max(column.length, ...rows.map((row) => cell(row[column]).length)),
  );
  const line = (values: string[]): string =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  process.stdout.write(`${line(columns)}\n`);
  for (const row of rows) process.stdout.write(`${line(columns.map((column) => cell(row[column])))}\n`);
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "number" && value > 1e12 && value < 1e14) return new Date(value).toISOString();
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value) ?? "";
}

/** Prints an error without a stack (unless WARREN_DEBUG=1) and returns the exit code it deserves. */
export function reportError(error: unknown): number {
  const message = error instanceof Error ? error.message : String(error);
  // A URL may be echoed inside a driver's message: never print its credentials.
  const safe = message.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s"']+/gi, (url) => redactUrl(url));
  process.stderr.write(`error: ${inCliWords(safe)}\n`);
  if (process.env["WARREN_DEBUG"] === "1" && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  }
  return error instanceof ValidationError ? EXIT_USAGE : EXIT_FAILURE;
}

/** Parses a JSON option value, or throws a ValidationError naming the flag. */
export function parseJsonFlag(flag: string, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError("INVALID_DATA", `${flag} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * `warren … | head` closes stdout early: the rest of the output has no reader, which is not an error. Without
 * this, the next write raises EPIPE and Node prints a stack trace.
 */
export function exitQuietlyOnClosedStdout(): void {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(process.exitCode ?? EXIT_OK);
  });
}
