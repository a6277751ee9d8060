// The error hierarchy: the class says what the caller should do, the code says exactly what happened.
import type { ErrorCode } from "./error-codes.js";

/** Options shared by every Warren error. */
export interface WarrenErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown;
  /** Plain JSON details (offending key, value, limits). */
  details?: Record<string, unknown>;
}

/** Base class of every error Warren throws. `code` is stable; `message` says what to do. */
export class WarrenError extends Error {
  /** Stable machine-readable code. */
  readonly code: ErrorCode;
  /** Plain JSON details about the failure. */
  readonly details: Record<string, unknown> | undefined;
  /** Whether trying the same call again later may succeed. */
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: WarrenErrorOptions & { retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
    this.retryable = options.retryable ?? false;
  }
}

/** Bad input: fix the option, data or name and call again. */
export class ValidationError extends WarrenError {
  constructor(
    code:
      | "INVALID_OPTION"
      | "INVALID_DATA"
      | "PAYLOAD_TOO_LARGE"
      | "INVALID_QUEUE_NAME"
      | "INVALID_URL"
      | "INVALID_CRON",
    message: string,
    options: WarrenErrorOptions = {},
  ) {
    super(code, message, options);
  }
}

/** The backend cannot do what was asked (a capability it lacks). */
export class UnsupportedError extends WarrenError {
  constructor(message: string, options: WarrenErrorOptions = {}) {
    super("UNSUPPORTED", message, options);
  }
}

/** The job, queue or schedule does not exist. */
export class NotFoundError extends WarrenError {
  constructor(message: string, options: WarrenErrorOptions = {}) {
    super("NOT_FOUND", message, options);
  }
}

/** NOT_FOUND for a job id, in the one wording every backend and the CLI use. */
export function jobNotFound(queue: string, id: string): NotFoundError {
  return new NotFoundError(`job ${id} does not exist in queue "${queue}"`);
}

/** The call conflicts with the current state (wrong state, lost lock). */
export class ConflictError extends WarrenError {
  constructor(
    code: "CONFLICT" | "LOCK_LOST" = "CONFLICT",
    message: string,
    options: WarrenErrorOptions = {},
  ) {
    super(code, message, options);
  }
}

/** A named lock (`backend.lock`) is held by someone else, or was lost: expired, taken over or released. */
export class LockError extends WarrenError {
  constructor(code: "LOCK_HELD" | "LOCK_LOST", message: string, options: WarrenErrorOptions = {}) {
    super(code, message, { ...options, retryable: code === "LOCK_HELD" });
  }
}

/** A wait ran past its bound. */
export class TimeoutError extends WarrenError {
  constructor(message: string, options: WarrenErrorOptions = {}) {
    super("TIMEOUT", message, { ...options, retryable: true });
  }
}

/**
 * The server behind the backend cannot be reached now; check that it runs at the address named, then try again.
 * `code` says how: `BACKEND_UNAVAILABLE` (refused, reset, unknown host, lost) or `CONNECT_TIMEOUT` (no answer
 * within the backend's connect timeout: a firewall that drops packets, or a port that speaks another protocol).
 */
export class BackendUnavailableError extends WarrenError {
  constructor(
    message: string,
    options: WarrenErrorOptions & { code?: "BACKEND_UNAVAILABLE" | "CONNECT_TIMEOUT" } = {},
  ) {
    super(options.code ?? "BACKEND_UNAVAILABLE", message, { ...options, retryable: true });
  }
}

/**
 * The server refused the credentials (or the access rights) in the backend's URL: fix them; retrying the same
 * URL cannot succeed. Code `AUTH_FAILED`.
 */
export class AuthenticationError extends WarrenError {
  constructor(message: string, options: WarrenErrorOptions = {}) {
    super("AUTH_FAILED", message, options);
  }
}

/** The object was closed; create a new one. */
export class ClosedError extends WarrenError {
  constructor(message: string) {
    super("CLOSED", message);
  }
}

/** Whether `error` says the backend (or handle) it came from was closed. */
export function isClosedError(error: unknown): error is ClosedError {
  return error instanceof WarrenError && error.code === "CLOSED";
}

/** A job ended without completing: thrown by `waitUntilFinished` and `addAndWait`. */
export class JobFailedError extends WarrenError {
  /** The job's id. */
  readonly jobId: string;
  /** The state the job ended in (`failed`, `cancelled` or `expired`). */
  readonly state: string;
  /** The job's failure reason. */
  readonly failedReason: string;

  constructor(jobId: string, state: string, failedReason: string) {
    super(
      state === "failed" ? "JOB_FAILED" : state === "cancelled" ? "CANCELLED" : "TIMEOUT",
      `job ${jobId} ended ${state}: ${failedReason}`,
      { details: { jobId, state } },
    );
    this.jobId = jobId;
    this.state = state;
    this.failedReason = failedReason;
  }
}

/**
 * Thrown by a processor to fail the job at once, skipping its remaining attempts.
 * @example throw new UnrecoverableError("the account was deleted")
 */
export class UnrecoverableError extends WarrenError {
  constructor(message: string, options: WarrenErrorOptions = {}) {
    super("UNRECOVERABLE", message, options);
  }
}
