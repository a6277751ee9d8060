// Dedicated connections for blocking waits (BLPOP on queue markers): one per fetch in flight, so a blocked
// worker never stalls the command connection or another worker. An abort unblocks with CLIENT UNBLOCK. On a
// cluster one BLPOP may only name keys of one slot: a wait on queues of several slots blocks on each slot's
// master at once (one connection each) and ends when the first one wakes.
import type { Redis } from "ioredis";
import {
  blockingConnection,
  groupBySlot,
  nodeKeyOf,
  nodeClientFor,
  type RedisClient,
} from "./redis-client.js";

const ABORTED = Symbol("aborted");

interface Blocker {
  connection: Redis;
  id: number | undefined;
  /** Where CLIENT UNBLOCK goes: the command connection, or on a cluster the pooled one to the same node. */
  unblocker: RedisClient;
  /** Which idle list it returns to: "" on one server, the node on a cluster. */
  node: string;
}

/** A pool of duplicated connections for blocking commands. */
export class BlockingPool {
  /** Idle blockers by node ("" on one server). */
  private readonly idle = new Map<string, Blocker[]>();
  private readonly all = new Set<Blocker>();
  private closed = false;

  constructor(private readonly client: RedisClient) {}

  /**
   * Waits until one of `keys` gets a marker, `timeoutMs` passes, or the signal aborts. Resolves either way;
   * throws only when the connection fails. An abort resolves at once, even while the connection reconnects.
   */
  async waitForMarker(keys: string[], timeoutMs: number, signal: AbortSignal): Promise<void> {
    const groups = groupBySlot(this.client, keys);
    if (groups.length <= 1) return this.waitOnSlot(keys, timeoutMs, signal);
    // A cluster and queues of several slots: the first wait to end ends the others.
    const first = new AbortController();
    const both = AbortSignal.any([signal, first.signal]);
    try {
      await Promise.race(groups.map((group) => this.waitOnSlot(group, timeoutMs, both)));
    } finally {
      first.abort();
    }
  }

  /** One BLPOP on `keys`, which share a slot (all keys do on one server). */
  private async waitOnSlot(keys: string[], timeoutMs: number, signal: AbortSignal): Promise<void> {
    // Closed: a fetch that raced the backend's close must not open a connection nobody would close.
    if (signal.aborted || this.closed) return;
    const node = nodeKeyOf(this.client, keys[0]!);
    const blocker = this.idle.get(node)?.pop() ?? this.create(keys[0]!, node);
    let onAbort = (): void => undefined;
    const aborted = new Promise<typeof ABORTED>((resolve) => {
      onAbort = () => {
        if (blocker.id !== undefined)
          void blocker.unblocker.client("UNBLOCK", blocker.id).catch(() => undefined);
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
        if (this.all.has(blocker)) this.idleList(blocker.node).push(blocker);
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

  private idleList(node: string): Blocker[] {
    let list = this.idle.get(node);
    if (!list) this.idle.set(node, (list = []));
    return list;
  }

  private create(key: string, node: string): Blocker {
    const connection = blockingConnection(this.client, key, { maxRetriesPerRequest: 1 });
    const unblocker = nodeClientFor(this.client, key);
    // A cluster whose slot map is not known yet: the command connection's own call would fail the same way.
    if (!connection || !unblocker) throw new Error(`no Redis Cluster node serves ${key} yet`);
    const blocker: Blocker = { connection, id: undefined, unblocker, node };
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
    this.idle.clear();
  }
}
