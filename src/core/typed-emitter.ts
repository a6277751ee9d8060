// A typed facade over node's EventEmitter: event names and payloads come from one map per handle.
import { EventEmitter } from "node:events";
import { defaultLogger } from "../logging/default-logger.js";
import type { Logger } from "../logging/logger.js";
import { troubleReporter } from "../logging/trouble-reporter.js";

/** Maps event names to listener argument tuples. */
export type EventMap = Record<string, unknown[]>;

/** EventEmitter whose `on`/`once`/`off`/`emit` are checked against `Events`. */
export class TypedEmitter<Events extends EventMap> {
  private readonly emitter = new EventEmitter();
  private reportUnhandled = troubleReporter(defaultLogger(), "error");

  constructor() {
    // Many QueueEvents/waitUntilFinished listeners on one handle are normal for a queue.
    this.emitter.setMaxListeners(0);
  }

  on<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): this {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): this {
    this.emitter.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): this {
    this.emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  /** Number of listeners for `event`. */
  listenerCount<K extends keyof Events & string>(event: K): number {
    return this.emitter.listenerCount(event);
  }

  protected emit<K extends keyof Events & string>(event: K, ...args: Events[K]): boolean {
    // An "error" with no listener would throw and kill the process; Warren reports it instead.
    if (event === "error" && this.emitter.listenerCount("error") === 0) {
      const error = args[0];
      this.reportUnhandled(error instanceof Error ? error : new Error(String(error)));
      return false;
    }
    return this.emitter.emit(event, ...args);
  }

  /**
   * Where an "error" nobody listens for is logged (at error; a repeat within a minute at debug, as during an
   * outage). Until a handle names its logger, the default one.
   */
  protected logUnhandledErrorsTo(logger: Logger): void {
    this.reportUnhandled = troubleReporter(logger, "error");
  }

  protected removeAllListeners(): void {
    this.emitter.removeAllListeners();
  }
}
