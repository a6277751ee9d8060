// One transaction of the PostgreSQL backend: runs named queries, collects the events of its transitions,
// and sends them with pg_notify right before COMMIT — a few NOTIFYs per transaction, never one per job.
import type { PoolClient, QueryResultRow } from "pg";
import { randomToken } from "../../core/ids.js";
import type { QueueEventName, QueueEventRecord } from "../records.js";
import { runQuery, type Queries } from "./query-runner.js";

/** pg_notify payloads must stay under 8000 bytes. */
const MAX_NOTIFY_BYTES = 7_500;

/** A transaction in progress. */
export class PgTx {
  readonly events: QueueEventRecord[] = [];

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

  /** Sends the collected events on `channel`, chunked under the payload limit. */
  async notify(channel: string): Promise<void> {
    let chunk: QueueEventRecord[] = [];
    let size = 2;
    const flush = async (): Promise<void> => {
      if (chunk.length === 0) return;
      await this.client.query("SELECT pg_notify($1, $2)", [channel, JSON.stringify(chunk)]);
      chunk = [];
      size = 2;
    };
    for (const original of this.events) {
      let event = original;
      let bytes = Buffer.byteLength(JSON.stringify(event)) + 1;
      if (bytes > MAX_NOTIFY_BYTES) {
        // Too big to carry (a large result or progress): listeners read it from the job instead.
        const { value: _value, ...rest } = event;
        event = { ...rest, truncated: true };
        bytes = Buffer.byteLength(JSON.stringify(event)) + 1;
      }
      if (size + bytes > MAX_NOTIFY_BYTES) await flush();
      chunk.push(event);
      size += bytes;
    }
    await flush();
  }
}

/** A fresh lock-token prefix per claim (the row's seq makes each token unique). */
export function tokenPrefix(): string {
  return `${randomToken(9)}.`;
}
