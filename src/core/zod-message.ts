// Turns a zod failure into one sentence that names the key, the value and what is allowed.
import type { z } from "zod";

/** The first issue of a zod error as `key: problem (got value)`. */
export function zodIssueMessage(error: z.ZodError, input: unknown): string {
  const issue = error.issues[0];
  if (!issue) return "invalid value";
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.join(", ");
    return `unknown option${issue.keys.length > 1 ? "s" : ""} ${keys}; check the spelling against the documented options`;
  }
  const path = issue.path.map(String).join(".");
  const got = valueAt(input, issue.path);
  const shown = got === undefined ? "" : ` (got ${describe(got)})`;
  const message = issue.message.startsWith(path) || path === "" ? issue.message : `${path}: ${issue.message}`;
  return `${message}${shown}`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describe(value: unknown): string {
  if (typeof value === "function") return "a function";
  if (typeof value === "bigint") return `${value}n`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
