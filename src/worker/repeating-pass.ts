// A pass of work repeated on an interval, never two at once: a pass slower than the interval skips the ticks it
// overlaps rather than queueing passes up. The worker's lease renewal, heartbeat and maintenance each run on one.

/** Options of {@link RepeatingPass}. */
export interface RepeatingPassOptions {
  /** Whether the timer alone keeps the process alive (otherwise it is unref'd). @defaultValue false */
  keepsProcessAlive?: boolean;
}

/** Runs `pass` every `intervalMs` while started. `pass` reports its own errors: it must not reject. */
export class RepeatingPass {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> = Promise.resolve();
  private running = false;
  private readonly keepsProcessAlive: boolean;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly intervalMs: number,
    options: RepeatingPassOptions = {},
  ) {
    this.keepsProcessAlive = options.keepsProcessAlive ?? false;
  }

  /** Whether the timer is set. */
  get started(): boolean {
    return this.timer !== undefined;
  }

  /** Sets the timer; the first pass comes one interval from now. Does nothing when already started. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.runNow(), this.intervalMs);
    if (!this.keepsProcessAlive) this.timer.unref();
  }

  /** Starts a pass now, unless one is under way. */
  runNow(): void {
    if (this.running) return;
    this.running = true;
    this.current = this.pass().finally(() => (this.running = false));
  }

  /** Clears the timer; a pass under way runs on. `start` sets it again. */
  clear(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Clears the timer and resolves once the pass under way, if any, has ended. */
  stop(): Promise<void> {
    this.clear();
    return this.current;
  }
}
