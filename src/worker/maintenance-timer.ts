// Runs `backend.maintain` for a worker's queues on a timer: delayed promotion, stalled recovery, ttl, retention.
import type { Backend } from "../backend/contract.js";
import { isTopicPattern, matchesTopic } from "../core/topic-pattern.js";

/** Calls maintain for every queue matching `pattern` every `intervalMs`; one pass at a time. */
export class MaintenanceTimer {
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> = Promise.resolve();

  constructor(
    private readonly backend: Backend,
    private readonly pattern: string,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.pass = this.pass.then(() => this.runOnce());
    }, this.intervalMs);
    // Maintenance must never keep a process alive on its own.
    this.timer.unref();
  }

  /** One maintenance pass now over every matching queue. */
  async runOnce(): Promise<void> {
    try {
      const queues = isTopicPattern(this.pattern)
        ? (await this.backend.listQueues()).filter((queue) => matchesTopic(this.pattern, queue))
        : [this.pattern];
      for (const queue of queues) await this.backend.maintain(queue, this.backend.clock.now());
    } catch (error) {
      this.onError(error);
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.pass;
  }
}
