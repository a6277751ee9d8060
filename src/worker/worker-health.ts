// A worker's health, as a liveness probe reads it: not-ok when the fetch loop should be fetching and no fetch
// has completed for longer than any healthy fetch takes (a dead loop, a store or broker that stopped
// answering), even though the worker still says it is running.
import { realTimeNow } from "../core/clock.js";

/** What {@link Worker.health} reports. */
export interface WorkerHealth {
  /** Whether the worker does what it should: fetching (or paused by its owner, or full) and hearing back. */
  ok: boolean;
  /** Whether the fetch loop is taking jobs (started, not paused, not closing). */
  running: boolean;
  /** Jobs running now. */
  active: number;
  /** When a fetch last completed (ms since epoch), undefined before the first. */
  lastFetchAt: number | undefined;
  /** Why it is not ok, for the probe's body and the operator. */
  reason?: string;
}

/** A fetch waits up to blockMs; past twice that plus this, the loop is stuck or its server is gone. */
export const HEALTH_GRACE_MS = 10_000;

/** The longest a healthy worker goes without a completed fetch while it wants one. */
export function fetchOverdueAfterMs(blockMs: number): number {
  return 2 * blockMs + HEALTH_GRACE_MS;
}

/** What the worker knows about itself, read at the probe. */
export interface HealthInputs {
  started: boolean;
  closing: boolean;
  paused: boolean;
  loopEnded: boolean;
  active: number;
  lastFetchAt: number | undefined;
  wantingSince: number | undefined;
  lastError: Error | undefined;
  blockMs: number;
}

/** Judges the inputs; `now` is real time (the bound is on real waits). */
export function judgeHealth(inputs: HealthInputs, now = realTimeNow()): WorkerHealth {
  const running = inputs.started && !inputs.closing && !inputs.paused && !inputs.loopEnded;
  const base = { running, active: inputs.active, lastFetchAt: inputs.lastFetchAt };
  if (inputs.closing) return { ...base, ok: false, reason: "the worker is closing or closed" };
  if (!inputs.started) return { ...base, ok: false, reason: "the worker was not started (call run())" };
  if (inputs.loopEnded) return { ...base, ok: false, reason: "the fetch loop has stopped" };
  if (inputs.paused) return { ...base, ok: true };
  const bound = fetchOverdueAfterMs(inputs.blockMs);
  if (inputs.wantingSince !== undefined && now - inputs.wantingSince > bound) {
    const seconds = Math.round((now - inputs.wantingSince) / 1000);
    const cause = inputs.lastError ? `: ${inputs.lastError.message}` : " (a fetch has not returned)";
    return { ...base, ok: false, reason: `no fetch has completed for ${seconds} s${cause}` };
  }
  return { ...base, ok: true };
}
