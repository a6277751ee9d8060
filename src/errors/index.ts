// Public error names.
export { ERROR_CODES, type ErrorCode } from "./error-codes.js";
export {
  AuthenticationError,
  BackendUnavailableError,
  ClosedError,
  isClosedError,
  ConflictError,
  JobFailedError,
  LockError,
  NotFoundError,
  TimeoutError,
  UnrecoverableError,
  UnsupportedError,
  ValidationError,
  WarrenError,
  type WarrenErrorOptions,
} from "./warren-error.js";
