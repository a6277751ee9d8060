import { describe, expect, it } from "vitest";
import { computeBackoff } from "../../../src/model/backoff.js";

const error = new Error("boom");

describe("computeBackoff", () => {
  it("returns 0 when the job has no backoff", () => {
    expect(computeBackoff(undefined, 3, error, {})).toBe(0);
  });

  it("keeps a fixed delay for every attempt", () => {
    const backoff = { type: "fixed", delay: 250, jitter: 0 } as const;
    expect([1, 2, 5].map((n) => computeBackoff(backoff, n, error, {}))).toEqual([250, 250, 250]);
  });

  it("doubles an exponential delay per attempt and caps it at maxDelay", () => {
    const backoff = { type: "exponential", delay: 100, maxDelay: 500, jitter: 0 } as const;
    expect([1, 2, 3, 4, 5].map((n) => computeBackoff(backoff, n, error, {}))).toEqual([
      100, 200, 400, 500, 500,
    ]);
  });

  it("spreads jitter over [delay·(1−jitter), delay]", () => {
    const backoff = { type: "fixed", delay: 1000, jitter: 0.5 } as const;
    expect(computeBackoff(backoff, 1, error, {}, () => 0)).toBe(1000);
    expect(computeBackoff(backoff, 1, error, {}, () => 1)).toBe(500);
    expect(computeBackoff(backoff, 1, error, {}, () => 0.5)).toBe(750);
  });

  it("calls a named custom strategy with the attempt and the error", () => {
    const seen: Array<[number, string]> = [];
    const strategies = {
      linear: (attempts: number, err: Error) => {
        seen.push([attempts, err.message]);
        return attempts * 10;
      },
    };
    expect(computeBackoff({ type: "custom", name: "linear", delay: 0 }, 4, error, strategies)).toBe(40);
    expect(seen).toEqual([[4, "boom"]]);
  });

  it("names an unregistered custom strategy in its error", () => {
    expect(() => computeBackoff({ type: "custom", name: "nope", delay: 0 }, 1, error, {})).toThrow(/"nope"/);
  });

  it("rejects a custom strategy that returns a negative delay", () => {
    expect(() =>
      computeBackoff({ type: "custom", name: "bad", delay: 0 }, 1, error, { bad: () => -1 }),
    ).toThrow(/returned -1/);
  });
});
