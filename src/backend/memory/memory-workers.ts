// The worker registry of the memory backend: this process's workers.
import type { Clock } from "../../core/clock.js";
import type { WorkerInfo } from "../records.js";

/** Registrations with their expiry. */
export class MemoryWorkers {
  private readonly workers = new Map<string, { info: WorkerInfo; expiresAt: number }>();

  constructor(private readonly clock: Clock) {}

  heartbeat(info: WorkerInfo, ttlMs: number): void {
    this.workers.set(info.id, {
      info: { ...info, queues: [...info.queues] },
      expiresAt: this.clock.now() + ttlMs,
    });
  }

  deregister(id: string): void {
    this.workers.delete(id);
  }

  list(): WorkerInfo[] {
    const now = this.clock.now();
    const live: WorkerInfo[] = [];
    for (const [id, entry] of this.workers) {
      if (entry.expiresAt <= now) this.workers.delete(id);
      else live.push({ ...entry.info, queues: [...entry.info.queues] });
    }
    return live.sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
  }
}
