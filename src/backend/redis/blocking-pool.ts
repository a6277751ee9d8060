// Dedicated connections for blocking waits (BLPOP on queue markers): one per fetch in flight, so a blocked
// worker never stalls the command connection or another worker. An abort unblocks with CLIENT UNBLOCK.
import type { Redis } from "ioredis";

const ABORTED = Symbol("aborted");

interface Blocker {
  connection: Redis;
  id: number | undefined;
}

/** A pool of duplicated connections for blocking commands. */
export class BlockingPool {
  private readonly idle: Blocker[] = [];
  private readonly all = new Set<Blocker>();
  private closed = false;

  constructor(private readonly client: Redis) {}

  /**
   * Waits until one of `keys` gets a marker, `timeoutMs` passes, or the signal aborts. Resolves either way;
   * throws only when the connection fails. An abort resolves at once, even while the connection reconnects.
   */
  async waitForMarker(keys: string[], timeoutMs: number, signal: AbortSignal): Promise<void> {
    // Closed: a fetch that raced the backend's close must not open a connection nobody would close.
    if (signal.aborted || this.closed) return;
    const blocker = this.idle.pop() ?? this.create();
    let onAbort = (): void => undefined;
    const aborted = new Promise<typeof ABORTED>((resolve) => {
      onAbort = () => {
        if (blocker.id !== undefined) void this.client.client("UNBLOCK", blocker.id).catch(() => undefined);
        resolve(ABORTED);
      };
    });
    signal.addEventListener("abort", onAbort, { once: true });
    const wait = (async () => {
      blocker.id ??= await blocker.connection.client("ID");
      if (signal.aborted) return;
      await blocker.connection.blpop(...keys, Math.max(0.01, timeoutMs / 1000));
    })();
    // Settles the blocker whenever the wait ends, even after an abort has already returned.
    const settled = wait.then(
      () => {
        if (this.all.has(blocker)) this.idle.push(blocker);
        // The pool closed while this wait was under way: its connection is the wait's to close.
        else blocker.connection.disconnect();
      },
      (error: unknown) => {
        // The connection dropped mid-wait: forget it; the next wait creates a new one.
        this.all.delete(blocker);
        blocker.connection.disconnect();
        throw error;
      },
    );
    try {
      if ((await Promise.race([settled, aborted])) === ABORTED) settled.catch(() => undefined);
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  private create(): Blocker {
    const blocker: Blocker = {
      connection: this.client.duplicate({ maxRetriesPerRequest: 1 }),
      id: undefined,
    };
    // Failures surface through the blocked command itself; the event would otherwise be unhandled.
    blocker.connection.on("error", () => undefined);
    // A reconnected connection has a new client id.
    blocker.connection.on("ready", () => (blocker.id = undefined));
    this.all.add(blocker);
    return blocker;
  }

  close(): void {
    this.closed = true;
    for (const blocker of this.all) blocker.connection.disconnect();
    this.all.clear();
    this.idle.length = 0;
  }
}
