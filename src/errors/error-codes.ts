// Every error code Warren can raise, as data: callers switch on `err.code`, never on messages.

/** Error codes carried by {@link WarrenError}. */
export const ERROR_CODES = [
  "INVALID_OPTION",
  "INVALID_DATA",
  "PAYLOAD_TOO_LARGE",
  "INVALID_QUEUE_NAME",
  "INVALID_URL",
  "INVALID_CRON",
  "UNSUPPORTED",
  "NOT_FOUND",
  "CONFLICT",
  "LOCK_LOST",
  "LOCK_HELD",
  "TIMEOUT",
  "CANCELLED",
  "JOB_FAILED",
  "UNRECOVERABLE",
  "BACKEND_UNAVAILABLE",
  "CONNECT_TIMEOUT",
  "AUTH_FAILED",
  "CLOSED",
  "MALFORMED_MESSAGE",
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];
