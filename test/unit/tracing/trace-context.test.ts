import { describe, expect, it } from "vitest";
import { traceContextFrom, traceHeaders } from "../../../src/tracing/trace-context.js";

const PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

describe("a foreign message's trace headers", () => {
  it("a valid traceparent is kept, with its tracestate when there is one", () => {
    expect(traceContextFrom(PARENT, undefined)).toEqual({ traceparent: PARENT });
    expect(traceContextFrom(PARENT, "congo=t61rcWkgMzE")).toEqual({
      traceparent: PARENT,
      tracestate: "congo=t61rcWkgMzE",
    });
  });

  it("header bytes are read as UTF-8 and upper-case hex is normalised", () => {
    expect(traceContextFrom(Buffer.from(PARENT.toUpperCase()), Buffer.from("a=b"))).toEqual({
      traceparent: PARENT,
      tracestate: "a=b",
    });
  });

  it("a later version's extra fields are allowed", () => {
    expect(traceContextFrom(`cc-${PARENT.slice(3)}-what-the-future-has`, undefined)?.traceparent).toBe(
      `cc-${PARENT.slice(3)}-what-the-future-has`,
    );
  });

  it("no traceparent, or one that does not parse, gives no trace", () => {
    for (const bad of [
      undefined,
      42,
      "",
      "00-xyz",
      `${PARENT}x`,
      "0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    ]) {
      expect(traceContextFrom(bad, "a=b")).toBeUndefined();
    }
  });

  it("an empty or oversized tracestate is dropped and the traceparent kept", () => {
    expect(traceContextFrom(PARENT, "")).toEqual({ traceparent: PARENT });
    expect(traceContextFrom(PARENT, "k=".padEnd(20_000, "v"))).toEqual({ traceparent: PARENT });
  });
});

describe("trace headers of a published message", () => {
  it("carry traceparent, and tracestate only when the job has one", () => {
    expect(traceHeaders(undefined)).toEqual({});
    expect(traceHeaders({ traceparent: PARENT })).toEqual({ traceparent: PARENT });
    expect(traceHeaders({ traceparent: PARENT, tracestate: "a=b" })).toEqual({
      traceparent: PARENT,
      tracestate: "a=b",
    });
  });
});
