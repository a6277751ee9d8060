// Judges a run: every job's outcome against the model, its tries against at-least-once / exactly-once and
// its due time, the events against one per end, and the counts against the lists.
import { TERMINAL_EVENTS } from "./event-tally.js";
import { backoffAfter, expectationFor, stalledOut, type Expectation, type FinalState } from "./model.js";
import { historyOf, type Observations, type RunHistory } from "./observations.js";
import type { Plan, PlannedJob } from "./plan-types.js";
import { checkSchedules, type ScheduleFigures } from "./schedule-check.js";

/** Kinds of violation, each a column or a line of the report. */
export type ViolationKind =
  | "lost"
  | "stuck"
  | "wrong-state"
  | "double-completed"
  | "early"
  | "ran-when-it-must-not"
  | "completed-without-run"
  | "too-many-tries"
  | "events"
  | "counts"
  | "producer"
  | "schedule"
  | "unhandled";

/** One broken promise, with enough to find it again. */
export interface Violation {
  kind: ViolationKind;
  id: string;
  plan: string;
  expected: string;
  seen: string;
}

/** How late a start was against its due time, by what made it due. */
export interface Lateness {
  category: "immediate" | "delayed" | "retry" | "dependant" | "promoted" | "slot";
  ms: number;
}

/** The checker's verdict. */
export interface Verdict {
  jobs: number;
  violations: Violation[];
  lateness: Lateness[];
  schedules: ScheduleFigures[];
}

/** Checks every planned job, the schedules, the counts and the producer's own failures. */
export function checkRun(plan: Plan, seen: Observations): Verdict {
  const violations: Violation[] = [];
  const lateness: Lateness[] = [];
  for (const job of plan.jobs.values()) checkJob(plan, job, seen, violations, lateness);
  for (const failure of seen.producer.failures) {
    violations.push({
      kind: "producer",
      id: "-",
      plan: "producer step",
      expected: "succeeds within 60 s",
      seen: failure,
    });
  }
  for (const count of seen.counts) {
    if (count.counted === count.listed) continue;
    violations.push({
      kind: "counts",
      id: count.queue,
      plan: `getJobCounts().${count.state}`,
      expected: `${count.listed} (listed)`,
      seen: `${count.counted}`,
    });
  }
  const schedules = checkSchedules(plan, seen, violations, lateness);
  return { jobs: plan.jobs.size + seen.slotJobs.size, violations, lateness, schedules };
}

function checkJob(
  plan: Plan,
  job: PlannedJob,
  seen: Observations,
  violations: Violation[],
  lateness: Lateness[],
): void {
  const expectation = expectationFor(plan, job, seen);
  const final = seen.final.get(job.id);
  const history = historyOf(seen, job.id);
  const state: string = final?.state ?? "gone";
  const report = (kind: ViolationKind, expected: string, seenText: string): void => {
    violations.push({
      kind,
      id: job.id,
      plan: `${expectation.why} [${describe(job)}]`,
      expected,
      seen: seenText,
    });
  };
  const legal =
    (expectation.states as string[]).includes(state) || (final !== undefined && stalledOut(final));
  if (!legal) {
    const terminal = state === "gone" || ["completed", "failed", "cancelled", "expired"].includes(state);
    const kind: ViolationKind = !terminal ? "stuck" : state === "gone" ? "lost" : "wrong-state";
    const detail = final?.failedReason ? ` (${final.failedReason})` : "";
    report(
      kind,
      expectation.states.join(" | ") || "a terminal state",
      `${state}${detail}; ${tries(history)}`,
    );
  }
  if (!expectation.mayRun && history.tries.length > 0)
    report("ran-when-it-must-not", "never started", tries(history));
  const successes = history.tries.filter((attempt) => attempt.end?.ok).length;
  if ((state === "completed" || (state === "gone" && job.kind === "remove-on-complete")) && successes === 0) {
    report("completed-without-run", "at least one successful try", tries(history));
  }
  if (history.completedEvents > 1) {
    report(
      "double-completed",
      "one worker `completed` event",
      `${history.completedEvents} (${tries(history)})`,
    );
  }
  if (final && history.tries.length > job.opts.attempts + final.stalledCount) {
    report(
      "too-many-tries",
      `tries <= attempts ${job.opts.attempts} + stalls ${final.stalledCount}`,
      tries(history),
    );
  }
  checkTimes(job, expectation, history, report, lateness, seen.clockSteppedBackMs);
  // A lost job's events say nothing more than its loss does.
  if (state !== "gone" || expectation.states.includes("gone")) checkEvents(job, state, seen, report);
}

/** No try before it is due; lateness is measured only where the due time is exact. */
function checkTimes(
  job: PlannedJob,
  expectation: Expectation,
  history: RunHistory,
  report: (kind: ViolationKind, expected: string, seen: string) => void,
  lateness: Lateness[],
  clockSlackMs: number,
): void {
  if (expectation.dueAt === undefined) return;
  history.tries.forEach((attempt, index) => {
    const previous = history.tries[index - 1];
    const retried = previous?.end !== undefined && !previous.end.ok && !previous.end.unrecoverable;
    const due = retried
      ? Math.max(expectation.dueAt!, previous.end!.at + backoffAfter(job, previous.start.attempt))
      : expectation.dueAt!;
    // A try before its due time is early, unless the wall clock stepped back by as much meanwhile.
    if (attempt.start.at + clockSlackMs < due) {
      report(
        "early",
        `try ${attempt.start.attempt} at >= ${iso(due)}`,
        `started ${due - attempt.start.at} ms early at ${iso(attempt.start.at)}`,
      );
    }
    // After a stall (or a claim lost with a connection) the due time is only a lower bound: no lateness.
    const exact =
      index === 0
        ? attempt.start.attempt === 1
        : retried && attempt.start.attempt === previous.start.attempt + 1;
    if (exact)
      lateness.push({ category: index > 0 ? "retry" : firstCategory(job), ms: attempt.start.at - due });
  });
}

function firstCategory(job: PlannedJob): Lateness["category"] {
  if (job.kind === "gate") return "promoted";
  if (job.dependsOn.length > 0) return "dependant";
  return (job.opts.delay ?? 0) > 0 ? "delayed" : "immediate";
}

/** Exactly one terminal event, the one of the state the job ended in. */
function checkEvents(
  job: PlannedJob,
  state: string,
  seen: Observations,
  report: (kind: ViolationKind, expected: string, seen: string) => void,
): void {
  const ended: FinalState | "stuck" = ["completed", "failed", "cancelled", "expired", "gone"].includes(state)
    ? (state as FinalState)
    : "stuck";
  if (ended === "stuck") return;
  const expected = ended === "gone" ? (job.kind === "remove-on-complete" ? "completed" : "removed") : ended;
  const counts = seen.events.of(job.id);
  const wrong = TERMINAL_EVENTS.filter((name) => {
    const count = counts[name] ?? 0;
    if (name === "removed" && job.kind === "remove-on-complete") return false;
    return name === expected ? count !== 1 : count !== 0;
  });
  if (wrong.length > 0)
    report("events", `one "${expected}" event and no other terminal event`, JSON.stringify(counts));
}

function tries(history: RunHistory): string {
  if (history.tries.length === 0) return "no tries";
  const shown = history.tries.map(
    (attempt) =>
      `#${attempt.start.attempt}${attempt.end ? (attempt.end.ok ? " ok" : " threw") : " unfinished"}`,
  );
  return `tries ${shown.join(", ")}; completed events ${history.completedEvents}`;
}

function describe(job: PlannedJob): string {
  const { opts } = job;
  const parts = [`queue ${job.queue}`, `attempts ${opts.attempts}`];
  if (opts.backoff) parts.push(`backoff ${opts.backoff.type} ${opts.backoff.delay}`);
  if (opts.delay) parts.push(`delay ${opts.delay}`);
  if (opts.ttl) parts.push(`ttl ${opts.ttl}`);
  if (job.dependsOn.length) parts.push(`dependsOn ${job.dependsOn.join(",")}`);
  return parts.join(", ");
}

function iso(at: number): string {
  return new Date(at).toISOString().slice(11, 23);
}
