// Tracing is skipped when nothing would be recorded or propagated: no SDK registered and no span carried.
import * as api from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { tracingWanted } from "../../../src/tracing/otel-api.js";
import { registerTestSdk, type TestSdk } from "../../helpers/otel-sdk.js";

describe("tracingWanted", () => {
  let sdk: TestSdk | undefined;
  afterEach(async () => {
    await sdk?.shutdown();
    sdk = undefined;
  });

  it("is false with the API alone and nothing carried", () => {
    expect(tracingWanted(api, false)).toBe(false);
  });

  it("is true when the job or the caller carries a span, SDK or not", () => {
    expect(tracingWanted(api, true)).toBe(true);
  });

  it("turns true as soon as an SDK registers, and false again once it is gone", async () => {
    sdk = registerTestSdk();
    expect(tracingWanted(api, false)).toBe(true);
    await sdk.shutdown();
    sdk = undefined;
    expect(tracingWanted(api, false)).toBe(false);
  });
});
