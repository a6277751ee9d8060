// The default `onError` of every backend: connection trouble is a warning the first time, and a debug record
// when the same trouble repeats within a minute, so an outage does not write a line per retry.
import { realTimeNow } from "../core/clock.js";
import type { Logger } from "./logger.js";

/** Within this long of the last warning, the same trouble is logged at debug. */
export const REPEAT_WINDOW_MS = 60_000;

/**
 * Logs each error through `logger`: at `level` (warn unless told) when new, at `debug` when it repeats within
 * {@link REPEAT_WINDOW_MS}.
 */
export function troubleReporter(
  logger: Logger,
  level: "warn" | "error" = "warn",
  now: () => number = realTimeNow,
): (error: Error) => void {
  const lastWarned = new Map<string, number>();
  return (error: Error) => {
    const code = (error as { code?: unknown }).code;
    const key = `${typeof code === "string" ? code : ""}\u0000${error.message}`;
    const at = now();
    const previous = lastWarned.get(key);
    if (previous !== undefined && at - previous < REPEAT_WINDOW_MS) {
      logger.debug({ err: error }, error.message);
      return;
    }
    // Forget old entries so a long-lived process with many distinct messages does not grow the map.
    for (const [seen, time] of lastWarned) if (at - time >= REPEAT_WINDOW_MS) lastWarned.delete(seen);
    lastWarned.set(key, at);
    logger[level]({ err: error }, error.message);
  };
}
