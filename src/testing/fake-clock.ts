// A clock that moves only when told: time-dependent behaviour becomes deterministic in tests.
import { abortReason, type Clock } from "../core/clock.js";

interface Sleeper {
  wakeAt: number;
  resolve: () => void;
}

/** A {@link Clock} whose time advances only through `advance` or `set`. */
export class FakeClock implements Clock {
  private current: number;
  private sleepers: Sleeper[] = [];

  constructor(start: number = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const sleeper: Sleeper = {
        wakeAt: this.current + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(abortReason(signal as AbortSignal));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.sleepers.push(sleeper);
      this.wakeDue();
    });
  }

  /** Moves time forward by `ms`, waking every sleeper that is now due. */
  advance(ms: number): void {
    this.set(this.current + ms);
  }

  /** Jumps to an absolute time (never backwards). */
  set(time: number): void {
    this.current = Math.max(this.current, time);
    this.wakeDue();
  }

  /** Number of pending sleeps (lets a test wait until a component is parked on the clock). */
  get pendingSleeps(): number {
    return this.sleepers.length;
  }

  private wakeDue(): void {
    const due = this.sleepers.filter((s) => s.wakeAt <= this.current);
    this.sleepers = this.sleepers.filter((s) => s.wakeAt > this.current);
    for (const sleeper of due) sleeper.resolve();
  }
}
