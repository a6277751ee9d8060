// A fresh module per test file: the API's import has not started when this file's first call is made.
import { describe, expect, it } from "vitest";
import { readyOtelApi, withOtelInCallOrder } from "../../../src/tracing/in-call-order.js";
import { loadOtelApi, settledOtelApi } from "../../../src/tracing/otel-api.js";

describe("calls made while the API is being imported", () => {
  it("run in call order, and a call made as the import settles does not overtake them", async () => {
    expect(settledOtelApi()).toBeUndefined();
    const ran: string[] = [];
    const call = (name: string) =>
      withOtelInCallOrder((api) => {
        ran.push(`${name}:${api === null ? "absent" : "loaded"}`);
        return Promise.resolve(name);
      });
    // Registered first, so it runs as soon as the import settles, before the queued calls are drained: a call
    // that merely checked for the API would overtake them here.
    const late = loadOtelApi().then(() => call("c"));
    const early = [call("a"), call("b")];
    expect(readyOtelApi()).toBeUndefined();
    expect(await Promise.all([...early, late])).toEqual(["a", "b", "c"]);
    expect(ran).toEqual(["a:loaded", "b:loaded", "c:loaded"]);
    // Loaded, but no SDK is registered and no span is active: nothing would be traced, so adds skip tracing.
    expect(settledOtelApi()).not.toBeNull();
    expect(readyOtelApi()).toBeNull();
    expect(await call("d")).toBe("d");
  });
});
