// Each try's start, end and outcome, per job, taken from the event stream the dashboard follows: a job record
// keeps only its latest try's times. Bounded, and only for tries that ended while this dashboard ran.
import type { QueueEventRecord } from "../backend/records.js";

/** One try of a job, as the job page lists it. */
export interface AttemptTimes {
  /** The attempt number the event carried, when it carried one. */
  attempt: number | undefined;
  startedAt: number | undefined;
  finishedAt: number;
  /** `completed`, `retrying`, `failed` or `stalled`. */
  outcome: string;
  reason: string | undefined;
}

const ENDS_OF_TRIES = new Set(["completed", "retrying", "failed", "stalled"]);
/** Jobs remembered; the oldest is forgotten first. */
const MAX_JOBS = 10_000;
/** Tries remembered per job. */
const MAX_TRIES = 50;

/** Tries per job, from the live event stream. */
export class AttemptHistory {
  private readonly jobs = new Map<string, AttemptTimes[]>();

  /** Notes the end of a try. */
  record(event: QueueEventRecord): void {
    if (event.jobId === undefined || !ENDS_OF_TRIES.has(event.event)) return;
    // A job failed by its dependencies or by expiry never ran: it has no try to list.
    if (event.event === "failed" && event.processedAt === undefined) return;
    const key = `${event.queue}\u0000${event.jobId}`;
    let tries = this.jobs.get(key);
    if (!tries) {
      tries = [];
      this.jobs.set(key, tries);
      if (this.jobs.size > MAX_JOBS) this.jobs.delete(this.jobs.keys().next().value!);
    }
    tries.push({
      attempt: event.attemptsMade,
      startedAt: event.processedAt,
      finishedAt: event.timestamp,
      outcome: event.event,
      reason: event.failedReason,
    });
    if (tries.length > MAX_TRIES) tries.shift();
  }

  /** The tries of one job seen so far, oldest first. */
  of(queue: string, id: string): AttemptTimes[] {
    return [...(this.jobs.get(`${queue}\u0000${id}`) ?? [])];
  }
}
