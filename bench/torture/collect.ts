// Reads the store after quiescence: each planned job's final record, every schedule-slot job, and the counts
// next to the lists, through the public Queue API only.
import { JOB_STATES, type Job, type JobState, type Queue } from "../../src/index.js";
import type { FinalJob, Observations } from "./observations.js";
import type { Plan, QueueRole } from "./plan-types.js";
import type { TortureJobData } from "./worker-host.js";

const PAGE = 500;
const READ_ATTEMPTS = 5;

/** The final records, slot jobs and counts. */
export async function collectFinal(
  plan: Plan,
  queues: Record<QueueRole, Queue<TortureJobData>>,
): Promise<Pick<Observations, "final" | "slotJobs" | "counts">> {
  const final = new Map<string, FinalJob | undefined>();
  for (const job of plan.jobs.values()) {
    const found = await patiently(() => queues[job.queue].getJob(job.id));
    final.set(job.id, found ? snapshot(found) : undefined);
  }
  const slotJobs = new Map<string, FinalJob>();
  for (const job of await listAll(queues.main, [...JOB_STATES])) {
    if (job.id.startsWith("repeat:")) slotJobs.set(job.id, snapshot(job));
  }
  const counts: Observations["counts"] = [];
  for (const queue of Object.values(queues)) {
    const counted = await patiently(() => queue.getJobCounts());
    for (const state of JOB_STATES) {
      const listed = (await listAll(queue, [state])).length;
      counts.push({ queue: queue.name, state, counted: counted[state] ?? 0, listed });
    }
  }
  return { final, slotJobs, counts };
}

/** Whether every planned job has left waiting, delayed, active and waiting-children (or is gone). */
export async function everyJobSettled(
  plan: Plan,
  queues: Record<QueueRole, Queue<TortureJobData>>,
): Promise<boolean> {
  for (const queue of Object.values(queues)) {
    const counts = await queue.getJobCounts("waiting", "delayed", "active", "waiting-children");
    if (Object.values(counts).some((count) => count > 0)) return false;
  }
  // The counts are one of the things under test: confirm job by job before calling the run quiet.
  for (const job of plan.jobs.values()) {
    const state = (await queues[job.queue].getJob(job.id))?.state;
    if (state === "waiting" || state === "delayed" || state === "active" || state === "waiting-children")
      return false;
  }
  return true;
}

async function listAll(queue: Queue<TortureJobData>, states: JobState[]): Promise<Job<TortureJobData>[]> {
  const all: Job<TortureJobData>[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await patiently(() => queue.getJobs(states, { offset, limit: PAGE }));
    all.push(...page);
    if (page.length < PAGE) return all;
  }
}

function snapshot(job: Job<TortureJobData>): FinalJob {
  return {
    state: job.state,
    attemptsMade: job.attemptsMade,
    stalledCount: job.stalledCount,
    failedReason: job.failedReason,
    createdAt: job.createdAt,
  };
}

/** Reads can meet a connection still recovering from the last fault: try a few times. */
async function patiently<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= READ_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}
