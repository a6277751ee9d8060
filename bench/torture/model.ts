// The model: from the plan (and, for dependants, from how their dependencies actually ended) the set of
// final states a job may legally reach, whether it may run at all, and the earliest time it may start.
import { historyOf, type Observations } from "./observations.js";
import type { Plan, PlannedJob } from "./plan-types.js";

/** A job's end as the model speaks of it: a terminal state, or `gone` (removed, or removeOnComplete). */
export type FinalState = "completed" | "failed" | "cancelled" | "expired" | "gone";

/** What the model demands of one job. */
export interface Expectation {
  /** Legal final states; empty when a dependency never ended, so nothing can be demanded. */
  states: FinalState[];
  /** False when the processor must never have been called (held, expired, failed by a dependency). */
  mayRun: boolean;
  /** Earliest legal start of its first try (epoch ms), when known. */
  dueAt: number | undefined;
  /** Why, in words, for the violation list. */
  why: string;
}

/** Warren's default maxStalledCount, which the worker processes keep: the second stall fails a job. */
export const DEFAULT_MAX_STALLED = 1;
/** ttl jobs in `hold` must have expired this long before it opened to count as provably expired. */
const TTL_PROOF_MARGIN_MS = 100;

/**
 * How the processor's planned behaviour ends the job. Tries are keyed to `attemptsMade`, which counts stalled
 * tries too, so stalls cannot change this: a flaky job has more attempts than failing tries, and a doomed or
 * unrecoverable job throws on every try that could be its last.
 */
export function behaviourOutcome(job: PlannedJob): "completed" | "failed" {
  if (job.behaviour.unrecoverableFrom !== undefined) return "failed";
  return job.behaviour.failThrough >= job.opts.attempts ? "failed" : "completed";
}

/** The expectation for `job`, given the plan and what its dependencies did. */
export function expectationFor(plan: Plan, job: PlannedJob, seen: Observations): Expectation {
  const createdAt = seen.producer.createdAt.get(job.id) ?? seen.final.get(job.id)?.createdAt;
  const baseDue = createdAt === undefined ? undefined : createdAt + (job.opts.delay ?? 0);
  const action = seen.producer.actions.get(job.id);
  switch (job.kind) {
    case "held-cancel":
      return {
        states: ["cancelled"],
        mayRun: false,
        dueAt: undefined,
        why: "held (delayed 1 h), then cancelled",
      };
    case "held-remove":
      return { states: ["gone"], mayRun: false, dueAt: undefined, why: "held (delayed 1 h), then removed" };
    case "gate":
      if (action?.kind === "cancel")
        return { states: ["cancelled"], mayRun: false, dueAt: undefined, why: "held gate, cancelled" };
      if (action?.kind === "remove")
        return { states: ["gone"], mayRun: false, dueAt: undefined, why: "held gate, removed" };
      return {
        states: [behaviourOutcome(job)],
        mayRun: true,
        dueAt: action?.calledAt,
        why: "held gate, promoted",
      };
    case "ttl-expire": {
      // Nothing consumes `hold` before it opens, and every claim expires a job whose ttl ran out: a job
      // whose ttl ended before the opening cannot start. One added too late (a slow producer) is racy.
      const expiredBy = createdAt === undefined ? Infinity : createdAt + (job.opts.ttl ?? 0);
      if (expiredBy + TTL_PROOF_MARGIN_MS < seen.holdOpensAtEpoch) {
        return {
          states: ["expired"],
          mayRun: false,
          dueAt: undefined,
          why: `ttl ${job.opts.ttl} ms ran out before hold opened`,
        };
      }
      return {
        states: ["expired", "completed"],
        mayRun: true,
        dueAt: createdAt,
        why: "ttl racing the opening of hold",
      };
    }
    case "remove-on-complete":
      return { states: ["gone"], mayRun: true, dueAt: baseDue, why: "removeOnComplete" };
    default:
      return withDependencies(plan, job, seen, baseDue);
  }
}

/** A dependency that fails for good fails its dependants unless it sets ignoreDependencyOnFailure. */
function withDependencies(
  plan: Plan,
  job: PlannedJob,
  seen: Observations,
  baseDue: number | undefined,
): Expectation {
  let dueAt = baseDue;
  const reasons: string[] = [];
  for (const depId of job.dependsOn) {
    const dep = plan.jobs.get(depId)!;
    const depFinal = seen.final.get(depId);
    const depState = depFinal?.state ?? "gone";
    const releasedAt = releaseTime(depId, depState, seen);
    if (
      depState === "completed" ||
      depState === "gone" ||
      (isFailedEnd(depState) && dep.opts.ignoreDependencyOnFailure)
    ) {
      reasons.push(`${depId} ${depState}`);
      if (dueAt !== undefined && releasedAt !== undefined) dueAt = Math.max(dueAt, releasedAt);
      continue;
    }
    if (isFailedEnd(depState)) {
      return {
        states: ["failed"],
        mayRun: false,
        dueAt: undefined,
        why: `dependency ${depId} ended ${depState}`,
      };
    }
    // Blocked: it must still wait (reported stuck, as a consequence), and must not have run.
    return {
      states: [],
      mayRun: false,
      dueAt: undefined,
      why: `blocked: dependency ${depId} never ended (${depState})`,
    };
  }
  const outcome = behaviourOutcome(job);
  const plan_ = `${job.kind}: throws through try ${job.behaviour.failThrough}${job.behaviour.unrecoverableFrom ? `, unrecoverable from ${job.behaviour.unrecoverableFrom}` : ""}, attempts ${job.opts.attempts}`;
  return {
    states: [outcome],
    mayRun: true,
    dueAt,
    why: reasons.length ? `${plan_}; after ${reasons.join(", ")}` : plan_,
  };
}

/** When a dependency let its dependants go: its last try's end, or the producer's remove/cancel call. */
function releaseTime(depId: string, depState: string, seen: Observations): number | undefined {
  const action = seen.producer.actions.get(depId);
  if (action && (action.kind === "remove" || action.kind === "cancel")) return action.calledAt;
  if (depState === "gone") return undefined;
  const ended = historyOf(seen, depId).tries.filter((attempt) => attempt.end !== undefined);
  return ended.at(-1)?.end?.at;
}

/** Whether `state` ends a job without completing it. */
export function isFailedEnd(state: string): boolean {
  return state === "failed" || state === "cancelled" || state === "expired";
}

/**
 * The legal extension every job gets: with the default maxStalledCount, a job whose workers died under it
 * twice fails "stalled too often" (Warren's documented behaviour), and that is not a violation.
 */
export function stalledOut(final: {
  state: string;
  stalledCount: number;
  failedReason: string | undefined;
}): boolean {
  return (
    final.state === "failed" &&
    final.stalledCount > DEFAULT_MAX_STALLED &&
    /stall/i.test(final.failedReason ?? "")
  );
}

/** Smallest delay Warren may wait before retrying after the try with `attemptsMade` failed. */
export function backoffAfter(job: PlannedJob, attemptsMade: number): number {
  const backoff = job.opts.backoff;
  if (!backoff) return 0;
  return backoff.type === "fixed" ? backoff.delay : backoff.delay * 2 ** Math.max(0, attemptsMade - 1);
}
