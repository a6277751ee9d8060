// Live updates: one subscription to every queue's events ("#"), fanned out to each open Server-Sent Events
// stream. Events are sent in small batches so a busy backend costs one write per stream per flush; nothing is
// sent (and no timer runs but the keep-alive) while the queues are idle.
import type { Backend } from "../backend/contract.js";
import type { QueueEventRecord, Unsubscribe } from "../backend/records.js";
import type { AuditEntry } from "./audit-log.js";

/** What each SSE `change` message carries: one transition. */
export interface LiveChange {
  queue: string;
  event: string;
  jobId: string | undefined;
}

const FLUSH_MS = 200;
/** Most changes sent per stream per flush; past it the client is told to resynchronise instead. */
const MAX_PER_FLUSH = 200;
const KEEP_ALIVE_MS = 25_000;
const RECONNECT_MS = 2000;

/** One open stream: write a chunk, or end it. */
interface StreamSink {
  write(chunk: string): void;
  end(): void;
}

/** The backend's event stream, shared by every SSE client and the live statistics. */
export class EventHub {
  private readonly sinks = new Set<StreamSink>();
  private pending: LiveChange[] = [];
  private dropped = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private unsubscribe: Unsubscribe | undefined;
  private starting: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly backend: Backend,
    private readonly onEvent: (event: QueueEventRecord) => void,
  ) {}

  /** Subscribes to every queue's events once; later calls wait for the same subscription. */
  start(): Promise<void> {
    this.starting ??= this.backend
      .subscribe("#", (event) => this.receive(event))
      .then(
        (unsubscribe) => {
          if (this.closed) return unsubscribe();
          this.unsubscribe = unsubscribe;
        },
        (error: unknown) => {
          // Not remembered: the next stream asks again, so a backend that comes back is followed again.
          this.starting = undefined;
          throw error;
        },
      );
    return this.starting;
  }

  /** Announces an audit entry to every open stream at once. */
  announceAudit(entry: AuditEntry): void {
    this.broadcast(`event: audit\ndata: ${JSON.stringify(entry)}\n\n`);
  }

  /** A `text/event-stream` body that stays open until the client goes or the hub closes. */
  stream(): ReadableStream<Uint8Array> {
    const encoder = new TextEncoder();
    let sink: StreamSink | undefined;
    let keepAlive: NodeJS.Timeout | undefined;
    const stop = (): void => {
      if (sink) this.sinks.delete(sink);
      clearInterval(keepAlive);
    };
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        const current: StreamSink = {
          write: (chunk) => {
            try {
              controller.enqueue(encoder.encode(chunk));
            } catch {
              stop();
            }
          },
          end: () => {
            stop();
            try {
              controller.close();
            } catch {
              // Already closed by the client going away.
            }
          },
        };
        sink = current;
        this.sinks.add(current);
        // `hello` tells a reconnected client to resynchronise: it may have missed changes while away.
        current.write(`retry: ${RECONNECT_MS}\nevent: hello\ndata: {}\n\n`);
        keepAlive = setInterval(() => current.write(": keep-alive\n\n"), KEEP_ALIVE_MS);
        keepAlive.unref();
      },
      cancel: stop,
    });
  }

  /** Ends every stream and the subscription. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.flushTimer);
    this.broadcast("event: bye\ndata: {}\n\n");
    for (const sink of [...this.sinks]) sink.end();
    this.sinks.clear();
    await this.starting?.catch(() => undefined);
    await this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private receive(event: QueueEventRecord): void {
    this.onEvent(event);
    if (this.sinks.size === 0 || this.closed) return;
    if (this.pending.length < MAX_PER_FLUSH) {
      this.pending.push({ queue: event.queue, event: event.event, jobId: event.jobId });
    } else {
      this.dropped += 1;
    }
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    this.flushTimer = undefined;
    let chunk = this.pending.map((change) => `event: change\ndata: ${JSON.stringify(change)}\n\n`).join("");
    if (this.dropped > 0) chunk += `event: resync\ndata: ${JSON.stringify({ dropped: this.dropped })}\n\n`;
    this.pending = [];
    this.dropped = 0;
    this.broadcast(chunk);
  }

  private broadcast(chunk: string): void {
    for (const sink of this.sinks) sink.write(chunk);
  }
}
