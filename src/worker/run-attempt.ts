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

/** One try of one job, as the worker holds it. */
export interface AttemptInput<Data, Result> {
  record: JobRecord;
  job: Job<Data, Result>;
  abort: AttemptAbort;
  /** The try's lease, which its outcome names. */
  lock: LockRef;
}

/** What every try of one worker shares. */
export interface AttemptSettings<Data, Result> {
  processor: Processor<Data, Result>;
  strategies: Readonly<Record<string, BackoffStrategy>>;
  clock: Clock;
}

/**
 * Runs the processor once for `input.record` and decides the outcome. Never throws, and never rejects. A
 * processor that returns a plain value gets its result back synchronously; one that returns a promise gets one
 * promise (besides its own) that settles with the processor's result, or with the abort reason as soon as the
 * try is aborted: a processor that ignores its signal must not hold the try open. Every promise here is paid for
 * again by a tracing context manager's hooks, so there are as few as the semantics allow.
 */
export function runAttempt<Data, Result>(
  input: AttemptInput<Data, Result>,
  settings: AttemptSettings<Data, Result>,
): AttemptResult | Promise<AttemptResult> {
  const { record, job, abort } = input;
  let value: unknown;
  try {
    value = settings.processor(job, {
      get signal() {
        return abort.signal;
      },
    });
  } catch (thrown) {
    // An abort wins over whatever the processor threw in reaction to it.
    return fromError(abort.isAborted ? abort.reason : thrown, input, settings);
  }
  if (!isPromiseLike(value)) return fromValue(value, input, settings);
  const pending = value;
  return new Promise((resolve) => {
    const timeout = record.opts.timeout;
    const timer =
      timeout === undefined
        ? undefined
        : setTimeout(() => abort.abort(new AttemptTimeoutError(timeout)), timeout);
    let settled = false;
    const settle = (result: () => AttemptResult): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolve(result());
    };
    abort.onAbort((reason) => settle(() => fromError(reason, input, settings)));
    pending.then(
      (result) => settle(() => fromValue(result, input, settings)),
      (thrown: unknown) => settle(() => fromError(abort.isAborted ? abort.reason : thrown, input, settings)),
    );
  });
}

/** The outcome of a processor that returned `value` (unless the try was aborted meanwhile). */
function fromValue(
  value: unknown,
  input: AttemptInput<unknown, unknown>,
  settings: Pick<AttemptSettings<unknown, unknown>, "strategies" | "clock">,
): AttemptResult {
  if (input.abort.isAborted) return fromError(input.abort.reason, input, settings);
  let returnValue: string | undefined;
  try {
    returnValue = serializeResult(value);
  } catch (error) {
    return fromError(error, input, settings);
  }
  return {
    kind: "completed",
    result: value,
    outcome: { kind: "completed", lock: input.lock, returnValue, finishedAt: settings.clock.now() },
  };
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
  { record, lock }: AttemptInput<unknown, unknown>,
  { strategies, clock }: Pick<AttemptSettings<unknown, unknown>, "strategies" | "clock">,
): AttemptResult {
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
      retryAt = finishedAt + computeBackoff(record.opts.backoff, record.attemptsMade, error, strategies);
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
