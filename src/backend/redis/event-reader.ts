// Delivers queue events from the per-queue Redis Streams to subscribers. One dedicated connection per backend
// reads every subscribed stream with XREAD BLOCK; the last-seen id of each stream survives reconnects, so a
// dropped connection loses no event. New subscriptions interrupt the blocked read with CLIENT UNBLOCK.
// Each queue has two streams: every event, and its control events alone (CONTROL_EVENTS). A subscription that
// asks only for control events (a worker's) reads the second, so a busy queue's transitions never cross the
// wire to its workers. On a cluster one XREAD may only name streams of one slot: each slot's read is a lane with
// its own connection to the slot's master, all lanes block at once, and the first to answer ends the others' wait.
import {
  blockingConnection,
  isClusterClient,
  keySlot,
  nodeClientFor,
  type RedisClient,
} from "./redis-client.js";
import { realTimeNow } from "../../core/clock.js";
import { isTopicPattern, matchesTopic } from "../../core/topic-pattern.js";
import { LocalBus } from "../local-bus.js";
import type { QueueEventName, QueueEventRecord, SubscribeOptions, Unsubscribe } from "../records.js";
import { CONTROL_EVENTS, wantsEvent } from "../records.js";
import type { DueNotices } from "./due-notices.js";
import type { RedisKeys } from "./keys.js";

const BLOCK_MS = 1_000;
const READ_COUNT = 1_000;
const RETRY_MS = 250;
const CLOSED = Symbol("closed");
const CONTROL: ReadonlySet<QueueEventName> = new Set(CONTROL_EVENTS);
const KINDS: readonly StreamKind[] = ["events", "control"];

/** Which of a queue's two streams a subscription reads. */
type StreamKind = "events" | "control";

/** One blocking reader: the connection, its client id once known, and where CLIENT UNBLOCK for it goes. */
interface Lane {
  reader: RedisClient;
  id: number | undefined;
  unblocker: RedisClient;
}

type XreadReply = Array<[string, Array<[string, string[]]>]> | null;

/** A tracked stream: whose it is, and which kind. */
interface StreamOf {
  queue: string;
  kind: StreamKind;
}

/** Reads event streams for every subscription of one backend. */
export class EventReader {
  /** Last-seen entry id per stream key. */
  private readonly cursors = new Map<string, string>();
  private readonly streams = new Map<string, StreamOf>();
  private readonly subscribers: Record<StreamKind, LocalBus<QueueEventRecord>>;
  private loop: Promise<void> | undefined;
  /** The readers by slot on a cluster; on one server the single lane "" (the reader given). */
  private readonly lanes = new Map<string, Lane>();
  private closed = false;
  /** Pending reads to settle at close: a command queued while the reader reconnects never settles after disconnect(). */
  private readonly closers = new Set<() => void>();
  /** Ends the loop's idle wait early (set while it waits with nothing to read). */
  private wakeIdle: (() => void) | undefined;
  /** Stops hearing new-queue announcements (set by the first topic-pattern subscription). */
  private stopHearing: (() => void) | undefined;

  constructor(
    private readonly client: RedisClient,
    /** The dedicated reader on one server; unused on a cluster, whose lanes connect to each slot's master. */
    private readonly reader: RedisClient | undefined,
    private readonly keys: RedisKeys,
    private readonly onError: (error: unknown) => void,
    /** A new queue is announced here as it registers: pattern subscriptions track it at once. */
    private readonly notices?: Pick<DueNotices, "listen" | "ensureSubscribed">,
  ) {
    this.subscribers = { events: new LocalBus(onError), control: new LocalBus(onError) };
    if (reader) this.lanes.set("", this.newLane(reader, client));
  }

  private newLane(reader: RedisClient, unblocker: RedisClient): Lane {
    const lane: Lane = { reader, id: undefined, unblocker };
    // A reconnected reader has a new client id: look it up again before the next interrupt.
    reader.on("ready", () => (lane.id = undefined));
    return lane;
  }

  /** The lane reading `stream`: "" on one server, its slot's on a cluster (opened on first use). */
  private laneOf(stream: string): string {
    return isClusterClient(this.client) ? String(keySlot(stream)) : "";
  }

  private lane(name: string, stream: string): Lane {
    let lane = this.lanes.get(name);
    if (lane) return lane;
    const reader = blockingConnection(this.client, stream);
    const unblocker = nodeClientFor(this.client, stream);
    if (!reader || !unblocker) throw new Error(`no Redis Cluster node serves ${stream} yet`);
    // Its failures surface through the read loop; the event would otherwise be unhandled.
    reader.on("error", () => undefined);
    lane = this.newLane(reader, unblocker);
    this.lanes.set(name, lane);
    return lane;
  }

  /** Forgets the cluster lanes after a failure (a slot may have moved); the next read opens them again. */
  private dropLanes(): void {
    for (const [name, lane] of this.lanes) {
      lane.id = undefined;
      if (name === "") continue;
      lane.reader.disconnect();
      this.lanes.delete(name);
    }
  }

  /**
   * The command's result, or CLOSED as soon as the reader closes. Not Promise.race with one long-lived
   * "closing" promise: every race leaves a reaction on it that keeps its result alive, so each XREAD reply
   * (every event ever read) was retained, ~1.2 KB per job.
   */
  private orClosed<T>(command: Promise<T>): Promise<T | typeof CLOSED> {
    if (this.closed) {
      command.catch(() => undefined);
      return Promise.resolve(CLOSED);
    }
    return new Promise((resolve, reject) => {
      const close = (): void => resolve(CLOSED);
      this.closers.add(close);
      command.then(
        (value) => {
          this.closers.delete(close);
          resolve(value);
        },
        (error: unknown) => {
          this.closers.delete(close);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  /** Resolves once every event after this call will be delivered. */
  async subscribe(
    pattern: string,
    listener: (event: QueueEventRecord) => void,
    options?: SubscribeOptions,
  ): Promise<Unsubscribe> {
    // Heard before the registry is read, so a queue made in between is announced, not missed. Without it a
    // new queue waited for the next discovery pass (up to two blocks), and its stream, capped at EVENTS_MAXLEN
    // entries, could lose its first events to a busy start.
    if (isTopicPattern(pattern) && this.notices) {
      await this.notices.ensureSubscribed();
      this.stopHearing ??= this.notices.listen((queue) => this.heard(queue));
    }
    const kind: StreamKind = options?.events?.every((event) => CONTROL.has(event)) ? "control" : "events";
    const unsubscribe = this.subscribers[kind].subscribe(pattern, (_queue, event) => {
      if (wantsEvent(options, event.event)) listener(event);
    });
    const queues = isTopicPattern(pattern)
      ? (await this.client.smembers(this.keys.registry)).filter((queue) => matchesTopic(pattern, queue))
      : [pattern];
    await this.track(queues, kind, "$");
    this.loop ??= this.run();
    await this.interrupt();
    return unsubscribe;
  }

  /** Starts reading `queues`' streams of `kind` from their current end (or from the start, for queues found later). */
  private async track(queues: string[], kind: StreamKind, from: "$" | "0"): Promise<void> {
    for (const queue of queues) {
      const stream = kind === "events" ? this.keys.events(queue) : this.keys.control(queue);
      if (this.cursors.has(stream)) continue;
      let cursor = "0-0";
      if (from === "$") {
        const last = (await this.client.xrevrange(stream, "+", "-", "COUNT", 1)) as Array<[string, string[]]>;
        cursor = last[0]?.[0] ?? "0-0";
      }
      this.streams.set(stream, { queue, kind });
      this.cursors.set(stream, cursor);
    }
  }

  private async interrupt(): Promise<void> {
    this.wakeIdle?.();
    await Promise.all(
      [...this.lanes.values()].map((lane) =>
        lane.id === undefined
          ? Promise.resolve()
          : lane.unblocker.client("UNBLOCK", lane.id).then(
              () => undefined,
              () => undefined,
            ),
      ),
    );
  }

  private async run(): Promise<void> {
    let lastDiscovery = 0;
    while (!this.closed) {
      try {
        if (realTimeNow() - lastDiscovery > BLOCK_MS) {
          lastDiscovery = realTimeNow();
          await this.discover();
        }
        const streams = [...this.cursors.keys()];
        if (streams.length === 0) {
          // Nothing to read yet: wait for a block, or less when a queue is tracked (interrupt wakes it).
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, BLOCK_MS);
            this.wakeIdle = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          this.wakeIdle = undefined;
          continue;
        }
        if ((await this.readLanes(streams)) === CLOSED) return;
      } catch (error) {
        if (this.closed) return;
        // The connection dropped (or was killed): ioredis reconnects; resume from the last-seen ids.
        this.dropLanes();
        this.onError(error);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  /**
   * One blocking read of every tracked stream. On one server (or a cluster whose streams share a slot) that is
   * one XREAD; else one per slot at once, the first answer unblocking the rest, every answer dispatched.
   */
  private async readLanes(streams: string[]): Promise<void | typeof CLOSED> {
    const byLane = new Map<string, string[]>();
    for (const stream of streams) {
      const name = this.laneOf(stream);
      const list = byLane.get(name);
      if (list) list.push(stream);
      else byLane.set(name, [stream]);
    }
    const reads = [...byLane].map(([name, list]) => this.read(this.lane(name, list[0]!), list));
    if (reads.length > 1) {
      await Promise.race(reads).catch(() => undefined);
      await this.interrupt();
    }
    let failure: unknown;
    let closed = false;
    for (const outcome of await Promise.allSettled(reads)) {
      if (outcome.status === "rejected") failure ??= outcome.reason;
      else if (outcome.value === CLOSED) closed = true;
      else for (const [stream, entries] of outcome.value ?? []) this.dispatch(stream, entries);
    }
    if (closed) return CLOSED;
    if (failure !== undefined) throw failure instanceof Error ? failure : new Error("event read failed");
  }

  /** XREAD BLOCK on one lane, its client id looked up first (for CLIENT UNBLOCK). */
  private async read(lane: Lane, streams: string[]): Promise<XreadReply | typeof CLOSED> {
    if (lane.id === undefined) {
      const id = await this.orClosed(lane.reader.client("ID"));
      if (id === CLOSED) return CLOSED;
      lane.id = id;
    }
    return this.orClosed(
      lane.reader.xread(
        "COUNT",
        READ_COUNT,
        "BLOCK",
        BLOCK_MS,
        "STREAMS",
        ...streams,
        ...streams.map((stream) => this.cursors.get(stream)!),
      ),
    );
  }

  /** A queue was announced (undefined: notices may have been missed, look at the registry). */
  private heard(queue: string | undefined): void {
    if (this.closed) return;
    const tracking =
      queue === undefined
        ? this.discover()
        : Promise.all(
            KINDS.filter((kind) => this.patternsOf(kind).some((pattern) => matchesTopic(pattern, queue))).map(
              (kind) => this.track([queue], kind, "0"),
            ),
          );
    tracking.then(
      () => this.interrupt(),
      (error: unknown) => this.onError(error),
    );
  }

  private patternsOf(kind: StreamKind): string[] {
    return this.subscribers[kind].patterns().filter(isTopicPattern);
  }

  /** Topic-pattern subscriptions pick up queues created after they subscribed. */
  private async discover(): Promise<void> {
    if (KINDS.every((kind) => this.patternsOf(kind).length === 0)) return;
    const registered = await this.client.smembers(this.keys.registry);
    for (const kind of KINDS) {
      const patterns = this.patternsOf(kind);
      const queues = registered.filter((queue) => patterns.some((pattern) => matchesTopic(pattern, queue)));
      await this.track(queues, kind, "0");
    }
  }

  private dispatch(stream: string, entries: Array<[string, string[]]>): void {
    const of = this.streams.get(stream);
    if (of === undefined) return;
    const bus = this.subscribers[of.kind];
    for (const [id, flat] of entries) {
      this.cursors.set(stream, id);
      for (const event of decodeEntry(of.queue, flat)) bus.dispatch(of.queue, event);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopHearing?.();
    for (const close of this.closers) close();
    this.closers.clear();
    // Not awaited: the disconnect below ends the blocked read anyway, and a reconnecting client would stall.
    void this.interrupt();
    this.reader?.disconnect();
    for (const lane of this.lanes.values()) lane.reader.disconnect();
    await this.loop;
  }
}

/** One stream entry: a JSON array (field "b") of the events one script call emitted. */
function decodeEntry(queue: string, flat: string[]): QueueEventRecord[] {
  const index = flat.indexOf("b");
  if (index < 0 || index % 2 !== 0) return [];
  const raw = JSON.parse(flat[index + 1]!) as Array<Record<string, string | number>>;
  return raw.map((e) => decodeEvent(queue, e));
}

function decodeEvent(queue: string, f: Record<string, string | number>): QueueEventRecord {
  const event: QueueEventRecord = {
    event: f["e"] as QueueEventName,
    queue,
    timestamp: Number(f["ts"]),
  };
  const text = (key: string, field: keyof QueueEventRecord): void => {
    const value = f[key];
    if (value !== undefined) (event as unknown as Record<string, unknown>)[field] = String(value);
  };
  const num = (key: string, field: keyof QueueEventRecord): void => {
    const value = f[key];
    if (value !== undefined) (event as unknown as Record<string, unknown>)[field] = Number(value);
  };
  text("j", "jobId");
  text("n", "name");
  text("p", "prev");
  text("v", "value");
  text("r", "failedReason");
  text("w", "workerId");
  text("l", "line");
  num("a", "attemptsMade");
  num("t", "runAt");
  num("c", "count");
  num("y", "readyAt");
  num("s", "processedAt");
  return event;
}
