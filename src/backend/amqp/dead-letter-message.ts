// What a message in a dead-letter queue says about itself: the job it names (if its body is a Warren envelope),
// why and when it was dead-lettered (Warren's headers, else the broker's x-death), and a key that names it for
// replay. Pure: no channel, no store.
import { createHash } from "node:crypto";
import type * as amqp from "amqplib";
import type { DeadLetterRecord } from "../dead-letter-records.js";
import { parseEnvelope } from "./envelope.js";
import { REASON_HEADER } from "./publisher.js";

/** Header carrying when Warren dead-lettered a message (ms since the epoch). */
export const DEAD_LETTERED_AT_HEADER = "x-warren-dead-lettered-at";
/** Prefix of a broker letter's id: it tells them from job ids in a replay. */
export const BROKER_LETTER_PREFIX = "broker:";
/** Hex digits of the content hash in a broker letter's id. */
const KEY_DIGITS = 20;
/** An AMQP timestamp below this is in seconds (the spec's unit), above it in ms (as some clients send). */
const SECONDS_BELOW = 100_000_000_000;

/** A dead-letter queue message, read. */
export interface DeadLetterMessage {
  /** The job id its body names, when it is a Warren envelope with an id. */
  jobId: string | undefined;
  /** The letter as a broker letter (used when no store job accounts for it). */
  letter: DeadLetterRecord;
}

/**
 * Reads messages in queue order. Identical messages get `:2`, `:3`, … after their key, in order, so each key names
 * one message as long as the queue keeps its order (a classic queue puts a requeued message back in its place).
 */
export function readDeadLetterMessages(messages: readonly amqp.Message[]): DeadLetterMessage[] {
  const seen = new Map<string, number>();
  return messages.map((message) => {
    const read = readDeadLetterMessage(message);
    const times = (seen.get(read.letter.id) ?? 0) + 1;
    seen.set(read.letter.id, times);
    if (times > 1) read.letter.id = `${read.letter.id}:${times}`;
    return read;
  });
}

function readDeadLetterMessage(message: amqp.Message): DeadLetterMessage {
  const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
  const parsed = parseEnvelope(message.content);
  const reason = reasonOf(headers, parsed.ok ? undefined : parsed.reason);
  const deadLetteredAt = timeOf(headers, message.properties.timestamp as unknown);
  const hash = createHash("sha256")
    .update(message.content)
    .update(`\u0000${reason}\u0000${deadLetteredAt}\u0000${String(message.properties.messageId ?? "")}`)
    .digest("hex")
    .slice(0, KEY_DIGITS);
  const letter: DeadLetterRecord = {
    id: `${BROKER_LETTER_PREFIX}${hash}`,
    reason,
    deadLetteredAt,
    source: "broker",
  };
  if (!parsed.ok) return { jobId: undefined, letter };
  const { id, name, data } = parsed.envelope;
  if (id !== undefined) letter.jobId = id;
  letter.name = name;
  letter.data = JSON.stringify(data ?? null);
  return { jobId: id, letter };
}

/** Warren's reason header; else the broker's latest x-death entry; else why the body is malformed. */
function reasonOf(headers: Record<string, unknown>, malformed: string | undefined): string {
  const own = headerText(headers[REASON_HEADER]);
  if (own !== undefined) return own;
  const death = latestDeath(headers);
  if (death) {
    const queue = headerText(death["queue"]);
    return `dead-lettered by the broker: ${headerText(death["reason"]) ?? "unknown"}${queue ? ` from ${queue}` : ""}`;
  }
  return malformed === undefined ? "unknown" : `malformed: ${malformed}`;
}

/** A header value as text: a string, or bytes (how some clients send strings); undefined otherwise. */
function headerText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  return undefined;
}

/** Warren's time header, else the latest x-death time, else the message's timestamp; 0 when none says. */
function timeOf(headers: Record<string, unknown>, timestamp: unknown): number {
  const own = Number(headers[DEAD_LETTERED_AT_HEADER]);
  if (Number.isFinite(own) && own > 0) return own;
  const candidates = [latestDeath(headers)?.["time"], timestamp];
  for (const candidate of candidates) {
    // amqplib decodes a timestamp inside a table as { "!": "timestamp", value }, and a property as a number.
    const value = Number(
      typeof candidate === "object" && candidate !== null
        ? (candidate as { value?: unknown }).value
        : candidate,
    );
    if (Number.isFinite(value) && value > 0) return value < SECONDS_BELOW ? value * 1000 : value;
  }
  return 0;
}

/** The broker lists a message's dead-letterings newest first. */
function latestDeath(headers: Record<string, unknown>): Record<string, unknown> | undefined {
  const deaths = headers["x-death"];
  if (!Array.isArray(deaths) || deaths.length === 0) return undefined;
  const [latest] = deaths as unknown[];
  return typeof latest === "object" && latest !== null ? (latest as Record<string, unknown>) : undefined;
}

/** Headers a replayed message must not carry: the dead-lettering's, which would mislead its next reader. */
export function replayHeaders(headers: Record<string, unknown> | undefined): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...(headers ?? {}) };
  for (const key of [
    "x-death",
    "x-first-death-exchange",
    "x-first-death-queue",
    "x-first-death-reason",
    "x-last-death-exchange",
    "x-last-death-queue",
    "x-last-death-reason",
    "CC",
    "BCC",
    REASON_HEADER,
    DEAD_LETTERED_AT_HEADER,
  ]) {
    delete copy[key];
  }
  return copy;
}
