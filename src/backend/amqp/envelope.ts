// The versioned JSON wire envelope of a job message, so producers in any language can publish Warren jobs.
// Parsing never throws: a malformed message yields a reason, and the consumer dead-letters it.

/** The envelope version this build writes and reads. */
export const ENVELOPE_VERSION = 1;

/** A job message on the wire (see docs/reference/wire-format.md). */
export interface JobEnvelope {
  /** Envelope version; must be 1. */
  v: typeof ENVELOPE_VERSION;
  /** Job id; a foreign producer may omit it (the message id or a new UUID is used). */
  id?: string | undefined;
  /** Job name (what the processor switches on). */
  name: string;
  /** Job data (any JSON). */
  data: unknown;
  /** Job options a foreign producer may set: a subset of JobOptions. */
  opts?: { priority?: number; attempts?: number; delay?: number; timeout?: number } | undefined;
}

/** The result of parsing a delivery's body. */
export type ParsedEnvelope = { ok: true; envelope: JobEnvelope } | { ok: false; reason: string };

const MAX_NAME_LENGTH = 256;

/** Encodes a job as an envelope body. */
export function encodeEnvelope(job: { id: string; name: string; data: string }): Buffer {
  // `data` is already JSON text: splice it in rather than parse and re-serialise.
  return Buffer.from(
    `{"v":${ENVELOPE_VERSION},"id":${JSON.stringify(job.id)},"name":${JSON.stringify(job.name)},"data":${job.data}}`,
  );
}

/** Parses and checks a delivery body. */
export function parseEnvelope(body: Buffer): ParsedEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    return { ok: false, reason: "body is not JSON" };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, reason: "body is not a JSON object" };
  }
  const record = value as Record<string, unknown>;
  if (record["v"] !== ENVELOPE_VERSION) {
    return {
      ok: false,
      reason: `unknown envelope version ${JSON.stringify(record["v"])} (this worker reads v${ENVELOPE_VERSION})`,
    };
  }
  const name = record["name"];
  if (typeof name !== "string" || name.length === 0 || name.length > MAX_NAME_LENGTH) {
    return { ok: false, reason: "missing field: name (a non-empty string)" };
  }
  if (!("data" in record)) return { ok: false, reason: "missing field: data" };
  const id = record["id"];
  if (id !== undefined && (typeof id !== "string" || id.length === 0 || id.length > MAX_NAME_LENGTH)) {
    return { ok: false, reason: "field id must be a non-empty string when present" };
  }
  const opts = record["opts"];
  if (opts !== undefined && (opts === null || typeof opts !== "object" || Array.isArray(opts))) {
    return { ok: false, reason: "field opts must be an object when present" };
  }
  return {
    ok: true,
    envelope: {
      v: ENVELOPE_VERSION,
      id: id,
      name,
      data: record["data"],
      opts: opts,
    },
  };
}
