// Job times (createdAt, runAt) and ledger times are Date.now(), the wall clock, and this machine's host steps
// it now and then (seen: 2–3 ms back and forth within a minute, against the monotonic clock). A try can then
// look a few ms earlier than its job's due time without any early start. The watch measures how far the wall
// clock stepped back during a run, so the checker allows exactly that much, and the report says so.

/** Date.now()'s resolution: an apparent step this small is rounding, not a step. */
const RESOLUTION_MS = 1;
const SAMPLE_MS = 5;

/** Watches the wall clock against the monotonic clock while a run goes. */
export class ClockWatch {
  private timer: NodeJS.Timeout | undefined;
  private highestOffset = -Infinity;
  private largestStepBack = 0;

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    this.timer.unref();
  }

  /** Stops watching; the whole ms the wall clock stepped back at most (0 when it never did). */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.largestStepBack <= RESOLUTION_MS ? 0 : Math.ceil(this.largestStepBack);
  }

  private sample(): void {
    const offset = Date.now() - (performance.timeOrigin + performance.now());
    this.highestOffset = Math.max(this.highestOffset, offset);
    this.largestStepBack = Math.max(this.largestStepBack, this.highestOffset - offset);
  }
}
