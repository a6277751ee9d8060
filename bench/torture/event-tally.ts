// Counts the terminal QueueEvents of every job, as a user's listener in the producer's process sees them.
import { QueueEvents, type Backend } from "../../src/index.js";

/** The events a job's end produces; each must be seen exactly once. */
export const TERMINAL_EVENTS = ["completed", "failed", "cancelled", "expired", "removed"] as const;

/** One of {@link TERMINAL_EVENTS}. */
export type TerminalEvent = (typeof TERMINAL_EVENTS)[number];

/** Per job id, how many of each terminal event arrived. */
export class EventTally {
  readonly counts = new Map<string, Partial<Record<TerminalEvent, number>>>();
  /** QueueEvents `error`s (a subscription that failed or broke). */
  errors: string[] = [];
  private readonly listeners: QueueEvents[] = [];

  /** Subscribes to every queue; resolves once events flow, so none after this point is missed. */
  async listen(backend: Backend, queues: string[]): Promise<void> {
    for (const queue of queues) {
      const events = new QueueEvents(queue, { backend });
      for (const name of TERMINAL_EVENTS) {
        events.on(name, (event) => {
          if (event.jobId === undefined) return;
          const seen = this.counts.get(event.jobId) ?? {};
          seen[name] = (seen[name] ?? 0) + 1;
          this.counts.set(event.jobId, seen);
        });
      }
      events.on("error", (error) => this.errors.push(`${queue}: ${error.message}`));
      this.listeners.push(events);
    }
    await Promise.all(this.listeners.map((events) => events.waitUntilReady()));
  }

  of(id: string): Partial<Record<TerminalEvent, number>> {
    return this.counts.get(id) ?? {};
  }

  async close(): Promise<void> {
    await Promise.all(this.listeners.map((events) => events.close()));
  }
}
