// What the Redis store's sections (hot path, outbox, admin and reads, schedules, workers and locks) share: its
// connection, keys and clock, whether it is closed or watched by a transport, and its two ways of reaching the
// server, a transition script or a plain command.
import { isClusterClient, type RedisClient } from "./redis-client.js";
import type { Clock } from "../../core/clock.js";
import { ClosedError } from "../../errors/warren-error.js";
import type { StoreSignals } from "../job-store.js";
import type { RedisConnectionGuard } from "./connection-guard.js";
import type { DueNotices } from "./due-notices.js";
import type { RedisKeys } from "./keys.js";
import { translateScriptError } from "./record-codec.js";
import { groupBy } from "./redis-util.js";
import { ScriptRunner, type ScriptName, type ScriptReply } from "./script-runner.js";

/** The message of every call on a closed store. */
const CLOSED_MESSAGE = "the redis backend is closed; create a new one";

/** @internal The state and server access of one RedisStore, as its section modules use them. */
export class RedisStoreContext {
  readonly scripts: ScriptRunner;
  /** A Redis Cluster: every script touches one queue's slot, and edges between queues go through settle-cross. */
  readonly cluster: boolean;
  /** "1" once a transport turned the outbox on (see JobStore.watch): scripts then record ready jobs. */
  private outboxFlag: "1" | "0" = "0";
  /** The transport's ears, once it watches. */
  private signals: StoreSignals | undefined;
  private isClosed = false;

  constructor(
    /** The command connection. */
    readonly client: RedisClient,
    readonly keys: RedisKeys,
    /** Every timestamp a script stores comes from it (client time is authoritative). */
    readonly clock: Clock,
    /** Gate and error translator of the connection. */
    readonly guard: RedisConnectionGuard,
    /** Where a new queue is announced to pattern workers. */
    private readonly due: DueNotices,
    /** Reports a failure that the call itself does not return (a cross-queue settle left for maintenance). */
    private readonly onError: (error: Error) => void = () => undefined,
  ) {
    this.scripts = new ScriptRunner(client);
    this.cluster = isClusterClient(client);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Marks the store closed: every call from now on fails with ClosedError. Returns false if it already was. */
  close(): boolean {
    if (this.isClosed) return false;
    this.isClosed = true;
    this.guard.close(new ClosedError(CLOSED_MESSAGE));
    return true;
  }

  /** The outbox flag scripts take: a method, read at each call, since a transport turns it on later. */
  outbox(): "1" | "0" {
    return this.outboxFlag;
  }

  /** A transport watches: scripts record ready jobs from now on, and what they signal goes to `signals`. */
  watch(signals: StoreSignals): void {
    this.signals = signals;
    this.outboxFlag = "1";
  }

  /** Throws ClosedError once the store is closed. */
  assertOpen(): void {
    if (this.isClosed) throw new ClosedError(CLOSED_MESSAGE);
  }

  /**
   * Runs a transition script on the queue's slot: checks the store is open, waits for the first connection,
   * translates a script error (naming job `id`), and tells a watching transport what the script signalled.
   */
  async run(name: ScriptName, queue: string, args: Array<string | number>, id?: string): Promise<unknown> {
    this.assertOpen();
    if (!this.guard.open) await this.guard.ready();
    let reply: ScriptReply;
    try {
      // Only the queue's own key is declared: every key a script touches shares its hash tag (one cluster slot).
      reply = await this.scripts.run(name, [this.keys.base(queue)], args);
    } catch (error) {
      throw this.guard.translate(translateScriptError(error, queue, id));
    }
    if (this.signals) tellTransport(this.signals, reply);
    if (reply.crossSettled.length > 0) await this.settleAcross(reply.crossSettled);
    return reply.result;
  }

  /**
   * Cluster: settles the dependants in other queues of jobs a script ended (entries `queue\nid\nref\noutcome` of
   * the ended jobs' "xsettle" sets, see lib/dependencies.lua), then removes the entries. The script's own change
   * is stored already, so a failure here is reported, not thrown: maintenance of the queue runs the entry again.
   */
  async settleAcross(entries: string[]): Promise<void> {
    for (const [queue, list] of groupBy(entries, (entry) => entry.slice(0, entry.indexOf("\n")))) {
      try {
        await this.run("settle-cross", queue, [this.clock.now(), this.outbox(), JSON.stringify(list)]);
        // Each entry lives in the set of its dependency's queue (the part of its ref before the first ":").
        for (const [source, done] of groupBy(list, (entry) => entry.split("\n")[2]!.split(":")[0]!)) {
          await this.guard.call(() => this.client.zrem(`${this.keys.base(source)}xsettle`, ...done));
        }
      } catch (error) {
        if (!this.isClosed) this.onError(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  /** Runs a plain command (or a few): checks the store is open, then goes through the connection guard. */
  async command<T>(call: () => Promise<T>): Promise<T> {
    this.assertOpen();
    return this.guard.call(call);
  }

  /** Records the queue in the prefix's registry (idempotent); nothing once closed. */
  async register(queue: string): Promise<void> {
    if (this.isClosed) return;
    // A new queue may match a worker's topic pattern: announce it, so that worker takes its jobs at once.
    const added = await this.guard.call(() => this.client.sadd(this.keys.registry, queue));
    if (added === 1) await this.guard.call(() => this.due.publish(queue, 0));
  }
}

/** Hands a script's signals to the transport: outbox entries to publish, jobs to dead-letter. */
function tellTransport(signals: StoreSignals, reply: ScriptReply): void {
  for (const queue of reply.outboxFilled) signals.outboxFilled(queue);
  const dead = reply.deadLetters;
  for (let i = 0; i + 2 < dead.length; i += 3) signals.deadLettered(dead[i]!, dead[i + 1]!, dead[i + 2]!);
}
