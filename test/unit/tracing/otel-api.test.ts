import { describe, expect, it, vi } from "vitest";
import { OtelApiLoader, type OtelApi } from "../../../src/tracing/otel-api.js";

function notInstalled(): Error {
  return Object.assign(new Error("Cannot find package '@opentelemetry/api'"), {
    code: "ERR_MODULE_NOT_FOUND",
  });
}

describe("loading @opentelemetry/api", () => {
  it("nothing is imported until the first load, and then only once", async () => {
    const api = { marker: true } as unknown as OtelApi;
    const importApi = vi.fn(() => Promise.resolve(api));
    const loader = new OtelApiLoader(importApi);
    expect(importApi).not.toHaveBeenCalled();
    expect(loader.settled).toBeUndefined();
    const [first, second] = await Promise.all([loader.load(), loader.load()]);
    expect(first).toBe(api);
    expect(second).toBe(api);
    expect(await loader.load()).toBe(api);
    expect(loader.settled).toBe(api);
    expect(importApi).toHaveBeenCalledTimes(1);
  });

  it("a failed import means tracing is off for good: null, never retried, never a rejection", async () => {
    const importApi = vi.fn(() => Promise.reject(notInstalled()));
    const loader = new OtelApiLoader(importApi);
    expect(await loader.load()).toBeNull();
    expect(await loader.load()).toBeNull();
    expect(loader.settled).toBeNull();
    expect(importApi).toHaveBeenCalledTimes(1);
  });
});
