// Poll-with-deadline: the one way tests (and users' tests) wait for a condition without sleeping blindly.
import { realTimeNow } from "../core/clock.js";
import { TimeoutError } from "../errors/warren-error.js";

/** Options for {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this many ms of real time. @defaultValue 10_000 */
  timeout?: number;
  /** Re-check every this many ms. @defaultValue 10 */
  interval?: number;
  /** Says what was awaited, for the timeout error. */
  message?: string;
}

const DEFAULT_WAIT_TIMEOUT_MS = 10_000;
const DEFAULT_POLL_INTERVAL_MS = 10;

/**
 * Resolves with the first truthy value `check` returns; throws TimeoutError naming `message` at the deadline.
 * @example await waitFor(async () => (await queue.getJob(id))?.state === "completed", { message: "job done" })
 */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const timeout = options.timeout ?? DEFAULT_WAIT_TIMEOUT_MS;
  const interval = options.interval ?? DEFAULT_POLL_INTERVAL_MS;
  const deadline = realTimeNow() + timeout;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (realTimeNow() >= deadline) {
      throw new TimeoutError(
        `waitFor gave up after ${timeout} ms: ${options.message ?? "condition never became true"}`,
        { cause: lastError },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
