import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RepeatingPass } from "../../../src/worker/repeating-pass.js";

const INTERVAL_MS = 1_000;

/** A pass the test ends by hand; counts how many began. */
function heldPass(): { began: () => number; end: () => void; pass: () => Promise<void> } {
  let began = 0;
  const enders: Array<() => void> = [];
  return {
    began: () => began,
    end: () => enders.shift()?.(),
    pass: () => {
      began += 1;
      return new Promise<void>((resolve) => enders.push(resolve));
    },
  };
}

describe("RepeatingPass", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs a pass each interval once started, the first one interval after start", async () => {
    let passes = 0;
    const repeating = new RepeatingPass(() => {
      passes += 1;
      return Promise.resolve();
    }, INTERVAL_MS);
    repeating.start();
    expect(repeating.started).toBe(true);
    await vi.advanceTimersByTimeAsync(INTERVAL_MS - 1);
    expect(passes).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(passes).toBe(1);
    await vi.advanceTimersByTimeAsync(2 * INTERVAL_MS);
    expect(passes).toBe(3);
    await repeating.stop();
  });

  it("a pass slower than the interval skips the ticks it overlaps instead of queueing passes", async () => {
    const held = heldPass();
    const repeating = new RepeatingPass(held.pass, INTERVAL_MS);
    repeating.start();
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(held.began()).toBe(1);
    await vi.advanceTimersByTimeAsync(3 * INTERVAL_MS);
    expect(held.began()).toBe(1);
    held.end();
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(held.began()).toBe(2);
    held.end();
    await repeating.stop();
  });

  it("runNow starts a pass at once, unless one is under way", async () => {
    const held = heldPass();
    const repeating = new RepeatingPass(held.pass, INTERVAL_MS);
    repeating.runNow();
    repeating.runNow();
    expect(held.began()).toBe(1);
    held.end();
    await vi.advanceTimersByTimeAsync(0);
    repeating.runNow();
    expect(held.began()).toBe(2);
    held.end();
    await repeating.stop();
  });

  it("stop clears the timer and resolves only once the pass under way has ended", async () => {
    const held = heldPass();
    const repeating = new RepeatingPass(held.pass, INTERVAL_MS);
    repeating.start();
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    let stopped = false;
    const stopping = repeating.stop().then(() => (stopped = true));
    expect(repeating.started).toBe(false);
    await vi.advanceTimersByTimeAsync(3 * INTERVAL_MS);
    expect(stopped).toBe(false);
    expect(held.began()).toBe(1);
    held.end();
    await stopping;
    expect(stopped).toBe(true);
  });

  it("clear stops the ticks while the pass under way runs on, and start sets them again", async () => {
    const held = heldPass();
    const repeating = new RepeatingPass(held.pass, INTERVAL_MS);
    repeating.start();
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    repeating.clear();
    held.end();
    await vi.advanceTimersByTimeAsync(3 * INTERVAL_MS);
    expect(held.began()).toBe(1);
    repeating.start();
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(held.began()).toBe(2);
    held.end();
    await repeating.stop();
  });

  it("its timer does not keep the process alive unless asked to", async () => {
    const setIntervalSpy = vi.spyOn(globalThis, "setInterval");
    const housekeeping = new RepeatingPass(() => Promise.resolve(), INTERVAL_MS);
    const leases = new RepeatingPass(() => Promise.resolve(), INTERVAL_MS, { keepsProcessAlive: true });
    housekeeping.start();
    leases.start();
    const timers = setIntervalSpy.mock.results.map((result) => result.value as NodeJS.Timeout);
    setIntervalSpy.mockRestore();
    expect(timers.map((timer) => timer.hasRef())).toEqual([false, true]);
    await Promise.all([housekeeping.stop(), leases.stop()]);
  });
});
