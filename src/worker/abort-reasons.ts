// Why a running try was aborted: the worker turns each reason into a different outcome.
import { WarrenError } from "../errors/warren-error.js";

/** The try ran past its `timeout`: a failed try. */
export class AttemptTimeoutError extends WarrenError {
  constructor(timeout: number) {
    super(
      "TIMEOUT",
      `job timed out after ${timeout} ms (its timeout option); the processor's signal was aborted`,
    );
  }
}

/** Someone cancelled the job: it ends cancelled. */
export class JobCancelledError extends WarrenError {
  constructor(reason: string) {
    super("CANCELLED", reason);
  }
}

/** The worker no longer holds the job (lease expired, or closed with force): its result is discarded. */
export class LockLostAbort extends WarrenError {
  constructor(message: string) {
    super("LOCK_LOST", message);
  }
}
