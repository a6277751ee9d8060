import { describe, expect, it } from "vitest";
import { resolveJobOptions, validateJobOptions } from "../../../src/model/job-options.js";

describe("validateJobOptions", () => {
  it.each([
    [{ priority: 0 }, /priority must be an integer 1–10; 1 runs first \(got 0\)/],
    [{ priority: 11 }, /priority/],
    [{ priority: 1.5 }, /priority/],
    [{ delay: -5 }, /delay must be >= 0/],
    [{ attempts: 0 }, /attempts must be >= 1/],
    [{ backoff: "soon" }, /backoff must be/],
    [{ backoff: { type: "fixed", jitter: 2 } }, /jitter/],
    [{ timeout: 0 }, /timeout must be > 0/],
    [{ ttl: -1 }, /ttl/],
    [{ dedupe: { ttl: 5 } }, /dedupe/],
    [{ removeOnComplete: "yes" }, /removeOnComplete/],
    [{ colour: "red" }, /unknown option colour/],
  ])("rejects %j with INVALID_OPTION and a message naming the key", (opts, message) => {
    let caught: unknown;
    try {
      validateJobOptions(opts);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: "INVALID_OPTION", name: "ValidationError" });
    expect((caught as Error).message).toMatch(message);
  });

  it("rejects a non-object", () => {
    expect(() => validateJobOptions(5)).toThrow(/must be an object/);
  });
});

describe("resolveJobOptions", () => {
  const now = 1_000_000;

  it("applies Warren's defaults", () => {
    const resolved = resolveJobOptions({}, {}, "q", now);
    expect(resolved.runAt).toBe(now);
    expect(resolved.stored).toMatchObject({
      priority: 5,
      attempts: 1,
      removeOnComplete: false,
      dependsOn: [],
    });
  });

  it("lets job options override queue defaults", () => {
    const resolved = resolveJobOptions({ priority: 1 }, { priority: 9, attempts: 4 }, "q", now);
    expect(resolved.stored).toMatchObject({ priority: 1, attempts: 4 });
  });

  it("turns delay and runAt into an absolute time, never in the past", () => {
    expect(resolveJobOptions({ delay: 500 }, {}, "q", now).runAt).toBe(now + 500);
    expect(resolveJobOptions({ runAt: new Date(now + 900) }, {}, "q", now).runAt).toBe(now + 900);
    expect(resolveJobOptions({ runAt: now - 900 }, {}, "q", now).runAt).toBe(now);
  });

  it("resolves backoff shorthands", () => {
    expect(resolveJobOptions({ backoff: 300 }, {}, "q", now).stored.backoff).toEqual({
      type: "fixed",
      delay: 300,
      jitter: 0,
    });
    expect(
      resolveJobOptions({ backoff: { type: "exponential" } }, {}, "q", now).stored.backoff,
    ).toMatchObject({
      type: "exponential",
      delay: 1000,
    });
    expect(resolveJobOptions({ backoff: { type: "mine", delay: 7 } }, {}, "q", now).stored.backoff).toEqual({
      type: "custom",
      name: "mine",
      delay: 7,
    });
  });

  it("qualifies dependencies with the queue name", () => {
    const deps = resolveJobOptions({ dependsOn: ["a", "other:b"] }, {}, "q", now).stored.dependsOn;
    expect(deps).toEqual(["q:a", "other:b"]);
  });
});
