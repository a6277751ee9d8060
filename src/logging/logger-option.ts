// The `logger` option, checked the same way on every handle and backend.
import { z } from "zod";
import { ValidationError } from "../errors/warren-error.js";
import { isLogger, type Logger } from "./logger.js";

/** What a `logger` must be, as every refusal says it. */
const LOGGER_NEEDS = "a pino-compatible logger (debug, info, warn, error and child methods), such as pino()";

/** Schema of a `logger`: anything with pino's debug, info, warn, error and child. */
export const loggerSchema = z.custom<Logger>(isLogger, { error: `logger must be ${LOGGER_NEEDS}` });

/** Schema of an optional `logger`. */
export const loggerOption = loggerSchema.optional();

/** A handle's `logger` option checked (ValidationError INVALID_OPTION when it is no logger), else `fallback`. */
export function resolveLogger(given: unknown, fallback: Logger, what: string): Logger {
  if (given === undefined) return fallback;
  if (isLogger(given)) return given;
  throw new ValidationError("INVALID_OPTION", `${what}'s logger must be ${LOGGER_NEEDS}`);
}
