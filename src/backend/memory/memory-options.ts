// Memory store options: the public shape, the defaults in one place, validated once (at construction) into a
// frozen resolved form. Unknown keys are refused: a misspelt `clok` used to leave the store on the system clock.
import { z } from "zod";
import { systemClock, type Clock } from "../../core/clock.js";
import { zodIssueMessage } from "../../core/zod-message.js";
import { ValidationError } from "../../errors/warren-error.js";

/** Options for MemoryStore and MemoryBackend. */
export interface MemoryStoreOptions {
  /** The clock for delays, leases and timestamps. @defaultValue the system clock */
  clock?: Clock;
}

/** MemoryStoreOptions after validation, defaults applied. */
export interface ResolvedMemoryStoreOptions {
  readonly clock: Clock;
}

/** The default of every memory store option. */
export const MEMORY_STORE_DEFAULTS: ResolvedMemoryStoreOptions = Object.freeze({ clock: systemClock });

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
  },
  { error: "memory store options must be an object such as { clock }" },
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
