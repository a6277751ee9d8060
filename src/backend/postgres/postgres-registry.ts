// The shared registries of the PostgreSQL store and its messages: distributed locks with fencing tokens,
// the worker registry (heartbeats with a ttl), EventBus messages by NOTIFY, and the LISTEN subscriptions to
// queue events and bus topics. Each is one statement, or the store's one LISTEN connection.
import { ValidationError } from "../../errors/warren-error.js";
import type { MessageListener } from "../contract.js";
import type { QueueEventRecord, Unsubscribe, WorkerInfo } from "../records.js";
import type { PgSession } from "./pg-session.js";

/** NOTIFY payloads must stay under 8000 bytes. */
const MAX_BUS_BYTES = 7_900;

/** Takes `key` for `token` for `ttlMs`; returns its fencing token, or undefined while another holds it. */
export async function acquireLock(
  session: PgSession,
  key: string,
  token: string,
  ttlMs: number,
): Promise<number | undefined> {
  const [row] = await session.query<{ fence: string }>("acquire_lock", [
    key,
    token,
    session.clock.now(),
    ttlMs,
  ]);
  return row === undefined ? undefined : Number(row.fence);
}

/** Renews a lock still held under `token`; false when it was lost. */
export async function extendLock(
  session: PgSession,
  key: string,
  token: string,
  ttlMs: number,
): Promise<boolean> {
  return (await session.query("extend_lock", [key, token, session.clock.now(), ttlMs])).length === 1;
}

/** Releases a lock held under `token`; false when it was not held. */
export async function releaseLock(session: PgSession, key: string, token: string): Promise<boolean> {
  return (await session.query("release_lock", [key, token, session.clock.now()])).length === 1;
}

export async function heartbeatWorker(session: PgSession, info: WorkerInfo, ttlMs: number): Promise<void> {
  await session.query("heartbeat_worker", [info.id, JSON.stringify(info), session.clock.now() + ttlMs]);
}

export async function deregisterWorker(session: PgSession, id: string): Promise<void> {
  await session.query("deregister_worker", [id]);
}

/** The workers whose last heartbeat has not expired. */
export async function listWorkers(session: PgSession): Promise<WorkerInfo[]> {
  const rows = await session.query<{ info: WorkerInfo }>("list_workers", [session.clock.now()]);
  return rows.map((row) => row.info);
}

/** Sends an EventBus message to every process on the schema; refused when it would not fit a NOTIFY. */
export async function publishMessage(session: PgSession, topic: string, payload: string): Promise<void> {
  const message = JSON.stringify({ topic, payload });
  const bytes = Buffer.byteLength(message);
  if (bytes > MAX_BUS_BYTES) {
    throw new ValidationError(
      "PAYLOAD_TOO_LARGE",
      `an EventBus message on PostgreSQL must stay under ${MAX_BUS_BYTES} bytes with its topic (got ${bytes}); ` +
        `publish a reference to the data instead`,
      { details: { bytes, maxBytes: MAX_BUS_BYTES } },
    );
  }
  await session.notifyBus(message);
}

/** Resolves once LISTEN is active: every message published after this is delivered. */
export function subscribeMessages(
  session: PgSession,
  pattern: string,
  listener: MessageListener,
): Promise<Unsubscribe> {
  return session.listen((notifications) => notifications.subscribeBus(pattern, listener));
}

/** Resolves once LISTEN is active: every event committed after this is delivered. */
export function subscribe(
  session: PgSession,
  queue: string,
  listener: (event: QueueEventRecord) => void,
): Promise<Unsubscribe> {
  return session.listen((notifications) => notifications.subscribe(queue, listener));
}
