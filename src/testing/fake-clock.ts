// A clock that moves only when told: time-dependent behaviour becomes deterministic in tests.
import { abortReason, type Clock } from "../core/clock.js";

interface Sleeper {
  wakeAt: number;
  resolve: () => void;
}

interface SleepWatch {
  count: number;
  resolve: () => void;
}

/**
 * A {@link Clock} whose time advances only through `advance` or `set`. Give it to a backend
 * (`new MemoryBackend({ clock })`) and every handle on that backend reads it.
 */
export class FakeClock implements Clock {
  private current: number;
  private sleepers: Sleeper[] = [];
  private watches: SleepWatch[] = [];

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
      this.notifyWatches();
    });
  }

  /**
   * Moves time forward by `ms`, waking every sleeper that is now due, earliest wake time first (ties in the order
   * they slept). Time jumps: woken code runs after this returns and reads the new time.
   */
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

  /**
   * Resolves once at least `count` sleeps are pending: the components a test moves time for are parked on the
   * clock, so an `advance` after it reaches them.
   * @example await clock.whenSleeping(); clock.advance(1000);
   */
  whenSleeping(count = 1): Promise<void> {
    if (this.sleepers.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.watches.push({ count, resolve }));
  }

  private wakeDue(): void {
    const due = this.sleepers.filter((s) => s.wakeAt <= this.current);
    if (due.length === 0) return;
    this.sleepers = this.sleepers.filter((s) => s.wakeAt > this.current);
    // Array.prototype.sort is stable: equal wake times keep the order they slept in.
    due.sort((a, b) => a.wakeAt - b.wakeAt);
    for (const sleeper of due) sleeper.resolve();
  }

  private notifyWatches(): void {
    const met = this.watches.filter((w) => this.sleepers.length >= w.count);
    if (met.length === 0) return;
    this.watches = this.watches.filter((w) => this.sleepers.length < w.count);
    for (const watch of met) watch.resolve();
  }
}
