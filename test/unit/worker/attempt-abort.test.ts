import { describe, expect, it } from "vitest";
import { AttemptAbort } from "../../../src/worker/attempt-abort.js";

describe("AttemptAbort", () => {
  it("a signal read before the abort aborts with the first reason; later reasons are ignored", () => {
    const abort = new AttemptAbort();
    const signal = abort.signal;
    expect(signal.aborted).toBe(false);
    const first = new Error("timeout");
    abort.abort(first);
    abort.abort(new Error("cancelled"));
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(first);
    expect(abort.reason).toBe(first);
  });

  it("a signal first read after the abort is already aborted with its reason", () => {
    const abort = new AttemptAbort();
    const reason = new Error("lock lost");
    abort.abort(reason);
    expect(abort.isAborted).toBe(true);
    expect(abort.signal.aborted).toBe(true);
    expect(abort.signal.reason).toBe(reason);
  });

  it("onAbort fires once on abort, and at once when registered after it", () => {
    const abort = new AttemptAbort();
    const seen: unknown[] = [];
    abort.onAbort((reason) => seen.push(reason));
    const reason = new Error("x");
    abort.abort(reason);
    abort.abort(new Error("y"));
    expect(seen).toEqual([reason]);
    abort.onAbort((late) => seen.push(late));
    expect(seen).toEqual([reason, reason]);
  });
});
