// Runs `backend.maintain` for a worker's queues on a timer: the safety net for stalled recovery, ttl, retention,
// due work a wake-up missed, and schedules whose pending slot job went missing. No latency depends on it.
// Every worker hosts the timer; per queue, only the holder of the queue's maintenance lock runs the pass, so N
// workers do one pass per interval instead of N. Leadership saves load, not correctness: every maintenance
// transition locks its rows, so two overlapping leaders (a paused one past its ttl) cannot double-apply it.
import type { Backend } from "../backend/contract.js";
import { isTopicPattern, matchesTopic } from "../core/topic-pattern.js";
import type { Lock } from "../locks/lock.js";
import type { Logger } from "../logging/logger.js";
import type { MaintenanceReport } from "../backend/records.js";
import { repairSchedules } from "../schedules/schedule-runner.js";
import { RepeatingPass } from "./repeating-pass.js";

/** A leader that stops renewing is replaced after this many intervals. */
const LEASE_INTERVALS = 3;
/** Floor for the lease, so a short interval does not make leadership flap on a slow store. */
const MIN_LEASE_MS = 1_000;

/** The lock key a queue's maintenance leader holds. */
export function maintenanceLockKey(queue: string): string {
  return `maintenance:${queue}`;
}

/** Calls maintain for every queue matching `pattern` every `intervalMs`, when leader; one pass at a time. */
export class MaintenanceTimer {
  private readonly passes: RepeatingPass;
  private stopped = false;
  private readonly leases = new Map<string, Lock>();
  private readonly leaseMs: number;

  constructor(
    private readonly backend: Backend,
    private readonly pattern: string,
    intervalMs: number,
    private readonly onError: (error: unknown) => void,
    private readonly logger: Logger,
  ) {
    this.leaseMs = Math.max(MIN_LEASE_MS, intervalMs * LEASE_INTERVALS);
    // Unref'd: maintenance must never keep a process alive on its own.
    this.passes = new RepeatingPass(() => this.runOnce(), intervalMs);
  }

  start(): void {
    if (this.passes.started || this.stopped) return;
    this.passes.start();
    // A starting worker recovers what a dead one left (expired leases, a missing slot job) at once.
    this.passes.runNow();
  }

  /** The queues this worker currently leads. */
  leading(): string[] {
    return [...this.leases.keys()];
  }

  /** One maintenance pass now over every matching queue this worker leads (taking leadership if free). */
  async runOnce(): Promise<void> {
    try {
      const queues = isTopicPattern(this.pattern)
        ? (await this.backend.listQueues()).filter((queue) => matchesTopic(this.pattern, queue))
        : [this.pattern];
      for (const queue of queues) {
        if (!(await this.lead(queue))) continue;
        this.report(queue, await this.backend.maintain(queue, this.backend.clock.now()));
        await repairSchedules(this.backend, queue, this.backend.clock.now());
      }
    } catch (error) {
      this.onError(error);
    }
  }

  /** Stalls are news an operator needs (a worker died or froze); the routine counts are debug. */
  private report(queue: string, report: MaintenanceReport): void {
    if (report.stalled > 0 || report.failedStalled > 0) {
      this.logger.warn(
        { queue, stalled: report.stalled, failedStalled: report.failedStalled },
        "recovered stalled jobs: their worker stopped renewing its lease (crashed, killed or blocked)",
      );
    }
    if (report.promoted + report.expired + report.removed > 0)
      this.logger.debug({ queue, ...report }, "maintenance pass");
  }

  /** Renews this worker's leadership of `queue`, or takes it if nobody holds it. */
  private async lead(queue: string): Promise<boolean> {
    const held = this.leases.get(queue);
    if (held) {
      try {
        await held.extend(this.leaseMs);
        return true;
      } catch {
        // Lost (expired while this process stalled): another worker leads now, or will.
        this.leases.delete(queue);
        this.logger.info({ queue }, "lost queue maintenance leadership (its lease ran out)");
      }
    }
    try {
      this.leases.set(queue, await this.backend.lock(maintenanceLockKey(queue), { ttl: this.leaseMs }));
      this.logger.info({ queue }, "leading queue maintenance");
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === "LOCK_HELD") return false;
      throw error;
    }
  }

  /** Stops the timer and hands leadership over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.passes.stop();
    const leases = [...this.leases.values()];
    this.leases.clear();
    await Promise.all(leases.map((lease) => lease[Symbol.asyncDispose]().catch(() => undefined)));
  }
}
