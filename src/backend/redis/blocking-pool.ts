// Dedicated connections for blocking waits (BLPOP on queue markers): one per fetch in flight, so a blocked
// worker never stalls the command connection or another worker. An abort unblocks with CLIENT UNBLOCK.
import type { Redis } from "ioredis";

interface Blocker {
  connection: Redis;
  id: number | undefined;
}

/** A pool of duplicated connections for blocking commands. */
export class BlockingPool {
  private readonly idle: Blocker[] = [];
  private readonly all = new Set<Blocker>();

  constructor(private readonly client: Redis) {}

  /**
   * Waits until one of `keys` gets a marker, `timeoutMs` passes, or the signal aborts. Resolves either way;
   * throws only when the connection fails.
   */
  async waitForMarker(keys: string[], timeoutMs: number, signal: AbortSignal): Promise<void> {
    const blocker = this.idle.pop() ?? this.create();
    const onAbort = (): void => {
      if (blocker.id !== undefined) void this.client.client("UNBLOCK", blocker.id).catch(() => undefined);
    };
    try {
      blocker.id ??= await blocker.connection.client("ID");
      if (signal.aborted) return;
      signal.addEventListener("abort", onAbort, { once: true });
      await blocker.connection.blpop(...keys, Math.max(0.01, timeoutMs / 1000));
      this.idle.push(blocker);
    } catch (error) {
      // The connection dropped mid-wait: forget it; ioredis reconnects a new one on next use.
      this.all.delete(blocker);
      blocker.connection.disconnect();
      throw error;
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  private create(): Blocker {
    const blocker: Blocker = {
      connection: this.client.duplicate({ maxRetriesPerRequest: 1 }),
      id: undefined,
    };
    this.all.add(blocker);
    return blocker;
  }

  close(): void {
    for (const blocker of this.all) blocker.connection.disconnect();
    this.all.clear();
    this.idle.length = 0;
  }
}
