// What the Redis store's sections (hot path, outbox, admin and reads, schedules, workers and locks) share: its
// connection, keys and clock, whether it is closed or watched by a transport, and its two ways of reaching the
// server, a transition script or a plain command.
import type { RedisClient } from "./redis-client.js";
import type { Clock } from "../../core/clock.js";
import { ClosedError } from "../../errors/warren-error.js";
import type { StoreSignals } from "../job-store.js";
import type { RedisConnectionGuard } from "./connection-guard.js";
import type { DueNotices } from "./due-notices.js";
import type { RedisKeys } from "./keys.js";
import { translateScriptError } from "./record-codec.js";
import { ScriptRunner, type ScriptName, type ScriptReply } from "./script-runner.js";

/** The message of every call on a closed store. */
const CLOSED_MESSAGE = "the redis backend is closed; create a new one";

/** @internal The state and server access of one RedisStore, as its section modules use them. */
export class RedisStoreContext {
  readonly scripts: ScriptRunner;
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
  ) {
    this.scripts = new ScriptRunner(client);
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
    return reply.result;
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
