// Keeps a worker listed in its backend's registry: registers at start, heartbeats on a timer, deregisters on
// close. A worker that dies simply stops beating and drops out of the list once its ttl passes; its jobs come
// back through their leases, not through the registry.
import { hostname } from "node:os";
import type { Backend } from "../backend/contract.js";
import type { WorkerInfo } from "../backend/records.js";
import { RepeatingPass } from "./repeating-pass.js";

/** Registrations go stale after this many missed beats. */
const STALE_AFTER_BEATS = 3;

/** What the registration reads from its worker at each beat. */
export interface RegisteredWorker {
  id: string;
  name: string;
  queues: string[];
  concurrency: number;
  active(): number;
  lastFetchAt(): number | undefined;
}

/** One worker's registration. */
export class WorkerRegistration {
  private readonly beats: RepeatingPass;
  private stopped = false;
  private readonly startedAt: number;

  constructor(
    private readonly backend: Backend,
    private readonly worker: RegisteredWorker,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {
    this.startedAt = backend.clock.now();
    this.beats = new RepeatingPass(() => this.beat(), intervalMs);
  }

  /** Registers now and keeps beating until stop(). */
  async start(): Promise<void> {
    await this.beat();
    // stop() may have run during the first beat: a timer started now would never be cleared.
    if (this.stopped) return;
    this.beats.start();
  }

  private async beat(): Promise<void> {
    const info: WorkerInfo = {
      id: this.worker.id,
      name: this.worker.name,
      queues: this.worker.queues,
      host: hostname(),
      pid: process.pid,
      concurrency: this.worker.concurrency,
      active: this.worker.active(),
      startedAt: this.startedAt,
      lastHeartbeat: this.backend.clock.now(),
      lastFetchAt: this.worker.lastFetchAt(),
    };
    try {
      await this.backend.heartbeatWorker(info, this.intervalMs * STALE_AFTER_BEATS);
    } catch (error) {
      // The next beat tries again; a registration outlives missed beats.
      this.onError(error);
    }
  }

  /** Stops beating and removes the registration. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.beats.stop();
    await this.backend.deregisterWorker(this.worker.id).catch((error: unknown) => this.onError(error));
  }
}
