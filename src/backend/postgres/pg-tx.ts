// One transaction of the PostgreSQL backend: runs named queries, collects the events of its transitions,
// and sends them with pg_notify right before COMMIT — a few NOTIFYs per transaction, never one per job.
import type { PoolClient, QueryResultRow } from "pg";
import { randomToken } from "../../core/ids.js";
import type { FetchRequest, QueueEventName, QueueEventRecord } from "../records.js";
import { runQuery, type Queries } from "./query-runner.js";

/** pg_notify payloads must stay under 8000 bytes. */
const MAX_NOTIFY_BYTES = 7_500;

// The payloads travel as one JSON array: pg escapes a text[] parameter's elements in JavaScript, one regular
// expression pass per quote-filled payload, where JSON.stringify does it natively.
const NOTIFY = "SELECT pg_notify($1, payload) FROM json_array_elements_text($2::json) AS payload";
/**
 * The same as its own transaction, committed without waiting for the WAL flush: it writes nothing, and a NOTIFY
 * holds PostgreSQL's one notification lock from before its commit to the end, so a commit that waited on the
 * disk while holding it made every other notifying commit queue behind that wait.
 */
export const STANDALONE_NOTIFY =
  "SELECT pg_notify($1, payload) FROM set_config('synchronous_commit', 'off', true), json_array_elements_text($2::json) AS payload";

/** A transaction in progress. */
export class PgTx {
  readonly events: QueueEventRecord[] = [];
  /** Queues whose outbox got entries (outbox mode), told to the transport after commit. */
  readonly outboxFilled = new Set<string>();
  /** Jobs that ended failed or expired for good (outbox mode), told to the transport after commit. */
  readonly deadLetters: Array<{ queue: string; id: string; reason: string }> = [];

  constructor(
    readonly client: PoolClient,
    readonly queries: Queries,
    readonly now: number,
    readonly outbox: boolean,
  ) {}

  query<R extends QueryResultRow>(name: string, params: unknown[]): Promise<R[]> {
    return runQuery<R>(this.client, this.queries, name, params);
  }

  emit(
    queue: string,
    event: QueueEventName,
    job?: { id: string; name: string },
    extra: Omit<Partial<QueueEventRecord>, "event" | "queue"> = {},
  ): void {
    this.events.push({
      event,
      queue,
      timestamp: this.now,
      ...(job ? { jobId: job.id, name: job.name } : {}),
      ...extra,
    });
  }

  /**
   * Sends the collected events on `channel`, chunked under the payload limit, in one round-trip; they commit
   * with the transaction. (A self-committed statement's events go through PgSession's announcer instead.)
   */
  async notify(channel: string): Promise<void> {
    const payloads = this.takePayloads();
    if (payloads.length === 0) return;
    await this.client.query(NOTIFY, [channel, JSON.stringify(payloads)]);
  }

  /**
   * The collected events as NOTIFY payloads, chunked under the payload limit; they are then no longer this
   * transaction's to send (a statement that NOTIFYs them itself takes them).
   */
  takePayloads(): string[] {
    const payloads: string[] = [];
    // Each event is serialised once; a payload is its events' JSON joined into an array.
    let chunk: string[] = [];
    let size = 2;
    const flush = (): void => {
      if (chunk.length === 0) return;
      payloads.push(`[${chunk.join(",")}]`);
      chunk = [];
      size = 2;
    };
    for (const event of this.events.splice(0)) {
      let json = JSON.stringify(event);
      let bytes = Buffer.byteLength(json) + 1;
      if (bytes > MAX_NOTIFY_BYTES) {
        // Too big to carry (a large result or progress): listeners read it from the job instead.
        const { value: _value, ...rest } = event;
        json = JSON.stringify({ ...rest, truncated: true });
        bytes = Buffer.byteLength(json) + 1;
      }
      if (size + bytes > MAX_NOTIFY_BYTES) flush();
      chunk.push(json);
      size += bytes;
    }
    flush();
    return payloads;
  }
}

/**
 * The lease every claim statement takes as its last five parameters, in this order: now, worker id, lock ms,
 * max stalled, and a fresh lock-token prefix (the row's seq makes each token unique). See claim_fast,
 * claim_ready, claim_planned and claim_ids.sql.
 */
export function leaseParams(
  request: Pick<FetchRequest, "workerId" | "lockMs" | "maxStalledCount">,
  now: number,
): [number, string, number, number, string] {
  return [now, request.workerId, request.lockMs, request.maxStalledCount, `${randomToken(9)}.`];
}
