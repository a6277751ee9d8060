// Runs one try of one job: the processor call, its timeout and abort signal, and the Outcome it leads to.
import type { JobRecord, LockRef, Outcome } from "../backend/records.js";
import { computeBackoff, type BackoffStrategy } from "../model/backoff.js";
import type { Clock } from "../core/clock.js";
import { serializeResult } from "../core/serializer.js";
import { UnrecoverableError } from "../errors/warren-error.js";
import type { Job } from "../job/job.js";
import { AttemptTimeoutError, JobCancelledError, LockLostAbort } from "./abort-reasons.js";
import type { AttemptAbort } from "./attempt-abort.js";

/** What the processor receives besides the job. */
export interface ProcessorContext {
  /** Aborts on timeout, cancel, lost lock or forced close: stop work and return (or throw) promptly. */
  signal: AbortSignal;
}

/** The user's job function. */
export type Processor<Data, Result> = (
  job: Job<Data, Result>,
  context: ProcessorContext,
) => Promise<Result> | Result;

/** How a try ended, for the worker's events and the backend. */
export type AttemptResult =
  | { kind: "completed"; outcome: Outcome; result: unknown }
  | { kind: "failed"; outcome: Outcome; error: Error; final: boolean }
  | { kind: "cancelled"; outcome: Outcome; error: Error }
  /** The worker lost the job: nothing is recorded (another worker, or stall recovery, owns it now). */
  | { kind: "abandoned"; error: Error };

const MAX_STACK_LINES = 20;

/** Runs the processor once for `record` and decides the outcome. Never throws. */
export async function runAttempt<Data, Result>(options: {
  record: JobRecord;
  job: Job<Data, Result>;
  processor: Processor<Data, Result>;
  abort: AttemptAbort;
  strategies: Readonly<Record<string, BackoffStrategy>>;
  clock: Clock;
}): Promise<AttemptResult> {
  const { record, job, processor, abort, clock } = options;
  const lock: LockRef = { queue: record.queue, id: record.id, token: record.lockToken ?? "" };
  const timeout = record.opts.timeout;
  const timer =
    timeout === undefined
      ? undefined
      : setTimeout(() => abort.abort(new AttemptTimeoutError(timeout)), timeout);
  try {
    const value = await callProcessor(processor, job, abort);
    if (abort.isAborted) return fromError(abort.reason, options, lock);
    let returnValue: string | undefined;
    try {
      returnValue = serializeResult(value);
    } catch (error) {
      return fromError(error, options, lock);
    }
    return {
      kind: "completed",
      result: value,
      outcome: { kind: "completed", lock, returnValue, finishedAt: clock.now() },
    };
  } catch (thrown) {
    // An abort wins over whatever the processor threw in reaction to it.
    return fromError(abort.isAborted ? abort.reason : thrown, options, lock);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/**
 * Settles with the processor's result, or rejects with the abort reason as soon as the try is aborted: a
 * processor that ignores its signal must not hold the try open.
 */
function callProcessor<Data, Result>(
  processor: Processor<Data, Result>,
  job: Job<Data, Result>,
  abort: AttemptAbort,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    abort.onAbort(reject);
    let result: unknown;
    try {
      result = processor(job, {
        get signal() {
          return abort.signal;
        },
      });
    } catch (error) {
      reject(toError(error));
      return;
    }
    if (isPromiseLike(result)) result.then(resolve, reject);
    else resolve(result);
  });
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

function fromError(
  thrown: unknown,
  options: { record: JobRecord; strategies: Readonly<Record<string, BackoffStrategy>>; clock: Clock },
  lock: LockRef,
): AttemptResult {
  const { record, clock } = options;
  const error = toError(thrown);
  const finishedAt = clock.now();
  if (error instanceof LockLostAbort) return { kind: "abandoned", error };
  if (error instanceof JobCancelledError) {
    return {
      kind: "cancelled",
      error,
      outcome: { kind: "cancelled", lock, reason: error.message, finishedAt },
    };
  }
  const stacktrace = (error.stack ?? "").split("\n").slice(0, MAX_STACK_LINES);
  const attemptsLeft = record.attemptsMade < record.opts.attempts;
  let retryAt: number | undefined;
  let reason = error.message;
  if (attemptsLeft && !(error instanceof UnrecoverableError)) {
    try {
      retryAt =
        finishedAt + computeBackoff(record.opts.backoff, record.attemptsMade, error, options.strategies);
    } catch (strategyError) {
      reason = `${reason} (and no retry: ${toError(strategyError).message})`;
    }
  }
  return {
    kind: "failed",
    error,
    final: retryAt === undefined,
    outcome: { kind: "failed", lock, reason, stacktrace, finishedAt, retryAt },
  };
}

/** Any thrown value as an Error whose message says what it was. */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  let shown: string;
  try {
    shown = typeof thrown === "string" ? JSON.stringify(thrown) : (JSON.stringify(thrown) ?? String(thrown));
  } catch {
    shown = String(thrown);
  }
  return new Error(
    `the processor threw a non-Error value: ${shown}; throw an Error so a stack trace is kept`,
  );
}
