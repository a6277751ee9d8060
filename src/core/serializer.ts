// JSON as the one data format: values are checked to survive a round-trip before anything is stored.
import { ValidationError } from "../errors/warren-error.js";

/** Default largest job payload, in bytes of JSON. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

/** Why a value cannot be stored as JSON, as a path and a problem; undefined when it can. */
export function findUnserializable(value: unknown): string | undefined {
  if (value === undefined) return "the value is undefined; pass null or an object instead";
  return walk(value, "$", new Set());
}

function walk(value: unknown, path: string, ancestors: Set<object>): string | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined;
    case "number":
      return Number.isFinite(value) ? undefined : `${path} is ${value}, which JSON turns into null`;
    case "bigint":
      return `${path} is a BigInt, which JSON cannot hold; convert it to a string`;
    case "function":
      return `${path} is a function; job data is data, never code`;
    case "symbol":
      return `${path} is a symbol, which JSON drops`;
    case "undefined":
      return `${path} is undefined inside an array, which JSON turns into null`;
    case "object":
      return value === null ? undefined : walkObject(value, path, ancestors);
  }
}

function walkObject(value: object, path: string, ancestors: Set<object>): string | undefined {
  if (ancestors.has(value)) return `${path} refers back to one of its parents (a cycle)`;
  if (value instanceof Map || value instanceof Set) {
    return `${path} is a ${value.constructor.name}, which JSON turns into {}; convert it to an array or object`;
  }
  // Objects with toJSON (Date, URL, …) choose their own JSON form; trust it.
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return undefined;
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const problem = walk(value[i], `${path}[${i}]`, ancestors);
        if (problem) return problem;
      }
      return undefined;
    }
    for (const [key, child] of Object.entries(value)) {
      // An undefined property is simply omitted by JSON, as users expect.
      if (child === undefined) continue;
      const problem = walk(child, `${path}.${key}`, ancestors);
      if (problem) return problem;
    }
    return undefined;
  } finally {
    ancestors.delete(value);
  }
}

/**
 * Serialises job data, rejecting values that would not survive JSON and payloads over `maxBytes`.
 * @throws {ValidationError} INVALID_DATA or PAYLOAD_TOO_LARGE
 */
export function serializeData(value: unknown, maxBytes: number, what = "job data"): string {
  const problem = findUnserializable(value);
  if (problem) {
    throw new ValidationError("INVALID_DATA", `${what} cannot be stored as JSON: ${problem}`, {
      details: { problem },
    });
  }
  const text = JSON.stringify(value);
  // Cheap bound first: UTF-8 needs at most 3 bytes per UTF-16 unit.
  if (text.length * 3 > maxBytes) {
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes > maxBytes) {
      throw new ValidationError(
        "PAYLOAD_TOO_LARGE",
        `${what} is ${bytes} bytes of JSON, over the limit of ${maxBytes}; store large blobs elsewhere and ` +
          `pass a reference, or raise the queue's maxPayloadBytes`,
        { details: { bytes, maxBytes } },
      );
    }
  }
  return text;
}

/** Serialises a processor's result; undefined stays undefined. Throws a plain message on failure. */
export function serializeResult(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const problem = findUnserializable(value);
  if (problem) throw new Error(`the processor's return value cannot be stored as JSON: ${problem}`);
  return JSON.stringify(value);
}

/** Parses stored JSON text; undefined stays undefined. */
export function parseJson(text: string | undefined): unknown {
  return text === undefined ? undefined : JSON.parse(text);
}
