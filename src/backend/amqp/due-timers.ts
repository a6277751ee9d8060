// One timer per queue, at the earliest time something of the queue becomes due (a delayed job, a retry, a
// schedule slot): the transport promotes and publishes it then, not at the next maintenance pass.
import type { Clock } from "../../core/clock.js";

/** Times within this much of now are due now: one pass covers jobs due within a millisecond of each other. */
const DUE_SLACK_MS = 1;

/** Per-queue due timers; `onDue(queue)` runs when a queue's earliest known due time arrives. */
export class DueTimers {
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly onDue: (queue: string) => void,
  ) {}

  /** Something of `queue` is due at `dueAt`: fire then, unless a timer is already set no later. */
  note(queue: string, dueAt: number | undefined): void {
    if (this.closed || dueAt === undefined) return;
    const armed = this.timers.get(queue);
    if (armed && armed.at <= dueAt) return;
    if (armed) clearTimeout(armed.timer);
    const wait = dueAt - this.clock.now();
    const timer = setTimeout(
      () => {
        this.timers.delete(queue);
        this.onDue(queue);
      },
      wait <= DUE_SLACK_MS ? 0 : wait,
    );
    // A process that only waits on timers (nothing else to do) may exit: workers keep it alive while they run.
    timer.unref();
    this.timers.set(queue, { at: dueAt, timer });
  }

  /** Drops the queue's timer (obliterated, or no longer consumed here). */
  forget(queue: string): void {
    const armed = this.timers.get(queue);
    if (armed) clearTimeout(armed.timer);
    this.timers.delete(queue);
  }

  close(): void {
    this.closed = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
