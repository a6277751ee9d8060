// What the run produced, gathered after quiescence: each job's final record, each job's tries from the
// ledgers, the producer's log and the events seen. The model and the checker read only this.
import type { JobState } from "../../src/index.js";
import type { EventTally } from "./event-tally.js";
import type { LedgerEntry } from "./ledger.js";
import type { ProducerLog } from "./producer.js";

/** A job's final record, as `queue.getJob` returned it (undefined: the job no longer exists). */
export interface FinalJob {
  state: JobState;
  attemptsMade: number;
  stalledCount: number;
  failedReason: string | undefined;
  createdAt: number;
}

/** One try of a job, joined from the ledgers: its start and, unless its worker died or lost it, its end. */
export interface Try {
  start: Extract<LedgerEntry, { type: "start" }>;
  end: Extract<LedgerEntry, { type: "end" }> | undefined;
}

/** A job's tries in start order, and the worker `completed` events recorded for it. */
export interface RunHistory {
  tries: Try[];
  completedEvents: number;
}

/** Everything the checker judges. */
export interface Observations {
  startedAt: number;
  holdOpensAtEpoch: number;
  final: Map<string, FinalJob | undefined>;
  runs: Map<string, RunHistory>;
  producer: ProducerLog;
  events: EventTally;
  /** Per queue: what getJobCounts said and what listing each state found. */
  counts: Array<{ queue: string; state: JobState; counted: number; listed: number }>;
  /** Ids of schedule-slot jobs found in the store after the run. */
  slotJobs: Map<string, FinalJob>;
  /** How far the wall clock stepped back during the run (ms, see clock-watch.ts): the slack of the early check. */
  clockSteppedBackMs: number;
}

/** Groups ledger entries into per-job histories; a start is paired with the next end of the same try. */
export function historiesFrom(entries: LedgerEntry[]): Map<string, RunHistory> {
  const runs = new Map<string, RunHistory>();
  const open = new Map<string, Try>();
  for (const entry of entries) {
    const history = runs.get(entry.id) ?? { tries: [], completedEvents: 0 };
    runs.set(entry.id, history);
    const key = `${entry.id}\u0000${entry.worker}\u0000${entry.attempt}`;
    if (entry.type === "start") {
      const attempt: Try = { start: entry, end: undefined };
      history.tries.push(attempt);
      open.set(key, attempt);
    } else if (entry.type === "end") {
      const attempt = open.get(key);
      if (attempt) attempt.end = entry;
      open.delete(key);
    } else {
      history.completedEvents += 1;
    }
  }
  return runs;
}

/** The history of `id`, empty when it never ran. */
export function historyOf(observations: Observations, id: string): RunHistory {
  return observations.runs.get(id) ?? { tries: [], completedEvents: 0 };
}
