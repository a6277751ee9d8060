// Memory store options: the public shape, the defaults in one place, validated once (at construction) into a
// frozen resolved form. Unknown keys are refused: a misspelt `clok` used to leave the store on the system clock.
import { z } from "zod";
import { systemClock, type Clock } from "../../core/clock.js";
import { zodIssueMessage } from "../../core/zod-message.js";
import { ValidationError } from "../../errors/warren-error.js";
import { defaultLogger } from "../../logging/default-logger.js";
import type { Logger } from "../../logging/logger.js";
import { loggerSchema } from "../../logging/logger-option.js";

/** Options for MemoryStore and MemoryBackend. */
export interface MemoryStoreOptions {
  /** The clock for delays, leases and timestamps. @defaultValue the system clock */
  clock?: Clock;
  /** Where the store logs (any pino-compatible logger). @defaultValue pino to stderr at WARREN_LOG_LEVEL */
  logger?: Logger;
}

/** MemoryStoreOptions after validation, defaults applied. */
export interface ResolvedMemoryStoreOptions {
  readonly clock: Clock;
  readonly logger: Logger;
}

/** The default of every memory store option. */
export const MEMORY_STORE_DEFAULTS: ResolvedMemoryStoreOptions = Object.freeze({
  clock: systemClock,
  logger: defaultLogger(),
});

const memoryStoreOptionsSchema = z.strictObject(
  {
    clock: z
      .custom<Clock>(
        (value) =>
          typeof (value as Partial<Clock> | null)?.now === "function" &&
          typeof (value as Partial<Clock>).sleep === "function",
        {
          error:
            "clock must be a Clock { now(), sleep(ms, signal) }, such as a FakeClock from warren/testing",
        },
      )
      .default(() => MEMORY_STORE_DEFAULTS.clock),
    logger: loggerSchema.default(() => MEMORY_STORE_DEFAULTS.logger),
  },
  { error: "memory store options must be an object such as { clock, logger }" },
);

/** Validates memory store options once, at construction. */
export function resolveMemoryStoreOptions(options: MemoryStoreOptions = {}): ResolvedMemoryStoreOptions {
  const result = memoryStoreOptionsSchema.safeParse(options);
  if (!result.success) {
    throw new ValidationError(
      "INVALID_OPTION",
      `invalid memory store options: ${zodIssueMessage(result.error, options)}`,
    );
  }
  return Object.freeze(result.data);
}
