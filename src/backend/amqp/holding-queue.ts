// When the holding queue is drained. Soon after this process declares a Warren queue on its connection (coalesced:
// a burst of declarations costs one pass, or two), and every HOLDING_SWEEP_MS as the safety net for what a
// declare-time pass cannot see: a message routed just before the binding existed that reached the holding queue
// after the pass looked, or one another process's pass held while this one was locked out. A pass a declaration
// asked for is not dropped: locked out, cut off or failed, it is tried again (with backoff when it failed). Passes
// run beside the hot path: a declaration never waits for one.
import type * as amqp from "amqplib";
import { BackendUnavailableError, UnsupportedError } from "../../errors/warren-error.js";
import type { AmqpConnection } from "./connection.js";
import {
  drainHeldMessages,
  HOLDING_SCAN_LIMIT,
  holdingQueueLooksEmpty,
  type DrainReport,
} from "./drain-held-messages.js";
import type { TopologyNames } from "./topology.js";

/** Options for {@link HoldingQueue}. */
export interface HoldingQueueOptions {
  names: TopologyNames;
  connection: AmqpConnection;
  /** Reports failed passes and a holding queue too full to scan. */
  onError: (error: Error) => void;
}

/** How often each process sweeps the holding queue, whatever it declared. */
export const HOLDING_SWEEP_MS = 60_000;
/** A pass asked for by a declaration, refused because another process is draining, is tried again after this… */
const RETRY_MS = 1_000;
/** …plus up to this much, so processes locked out together do not all come back together. */
const RETRY_JITTER_MS = 500;
/** Routing keys named in the warning about a holding queue too full to scan. */
const NAMED_IN_WARNING = 5;

/** Drains the holding queue into the Warren queues that exist, at the right moments; owns its timers. */
export class HoldingQueue {
  private running: Promise<void> | undefined;
  /** A declaration asked for a pass that has not started yet: it must run, even if it has to wait for the lock. */
  private wanted = false;
  /** The sweep asked for a pass: run one unless another process is at it. */
  private sweepDue = false;
  private sweepTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Asked-for passes that failed in a row: each waits twice as long as the last, up to the sweep interval. */
  private failures = 0;
  private warnedFull = false;
  private closed = false;

  constructor(private readonly options: HoldingQueueOptions) {}

  /** A Warren queue was declared: move its held messages in soon. */
  queueDeclared(): void {
    if (this.closed) return;
    this.startSweeping();
    this.wanted = true;
    this.kick();
  }

  /** Stops the timers and waits for a pass in flight (which stops early and requeues what it held). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    clearTimeout(this.retryTimer);
    await this.running;
  }

  private startSweeping(): void {
    if (this.sweepTimer) return;
    this.sweepTimer = setInterval(() => {
      this.sweepDue = true;
      this.kick();
    }, HOLDING_SWEEP_MS);
    this.sweepTimer.unref();
  }

  private kick(): void {
    if (this.running) return;
    this.running = this.runPasses().finally(() => {
      this.running = undefined;
      // A declaration that landed after the last loop check and before this callback found a pass "running".
      if (this.wanted && !this.retryTimer && !this.closed) this.kick();
    });
  }

  private async runPasses(): Promise<void> {
    while (!this.closed && (this.wanted || this.sweepDue)) {
      const mustRun = this.wanted;
      this.wanted = false;
      this.sweepDue = false;
      const outcome = await this.runPass(mustRun);
      this.failures = outcome === "failed" ? this.failures + 1 : 0;
      if (outcome !== "done" && mustRun) {
        this.retryLater();
        return;
      }
    }
  }

  /**
   * One pass, while connected. A sweep skips an empty holding queue without taking the lock: contending for it
   * costs each loser a channel error.
   */
  private async runPass(askedByDeclaration: boolean): Promise<"busy" | "offline" | "failed" | "done"> {
    if (!this.options.connection.connected) return "offline";
    try {
      const model: amqp.ChannelModel = await this.options.connection.whenConnected(0);
      if (!askedByDeclaration && (await holdingQueueLooksEmpty(model, this.options.names))) return "done";
      const outcome = await drainHeldMessages(model, this.options.names, () => this.closed);
      if (outcome.status === "busy") return "busy";
      this.reportFull(outcome.report);
      return "done";
    } catch (error) {
      // Whatever the pass held went back to the holding queue with its channel; the next pass picks it up. A cut
      // connection is reported by the connection itself.
      if (!this.closed && this.options.connection.connected) {
        this.options.onError(
          new BackendUnavailableError(
            `draining the RabbitMQ holding queue ${this.options.names.holdingQueue} failed (${(error as Error).message}); ` +
              `its messages stay held and the next pass tries again`,
            { cause: error },
          ),
        );
      }
      return "failed";
    }
  }

  private retryLater(): void {
    if (this.retryTimer || this.closed) return;
    const delay = Math.min(RETRY_MS * 2 ** this.failures, HOLDING_SWEEP_MS) + Math.random() * RETRY_JITTER_MS;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.wanted = true;
      this.kick();
    }, delay);
    this.retryTimer.unref();
  }

  /** Says once (until a pass gets through again) that held messages beyond the scan limit are not reached. */
  private reportFull(report: DrainReport): void {
    if (report.complete || this.closed) {
      this.warnedFull = false;
      return;
    }
    if (this.warnedFull) return;
    this.warnedFull = true;
    const busiest = [...report.kept.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, NAMED_IN_WARNING)
      .map(([queue, count]) => `${queue} (${count})`)
      .join(", ");
    this.options.onError(
      new UnsupportedError(
        `the RabbitMQ holding queue ${this.options.names.holdingQueue} holds more than ${HOLDING_SCAN_LIMIT} ` +
          `messages for queues no Warren process has declared (most for: ${busiest}); messages behind them are ` +
          `not reached. Start workers for those queues, or purge the messages nobody will run.`,
        { details: { queue: this.options.names.holdingQueue, kept: Object.fromEntries(report.kept) } },
      ),
    );
  }
}
