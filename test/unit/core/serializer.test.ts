import { describe, expect, it } from "vitest";
import { findUnserializable, serializeData, serializeResult } from "../../../src/core/serializer.js";

describe("serializeData", () => {
  it("round-trips plain JSON values", () => {
    const value = { a: [1, "two", null, true], nested: { deep: { x: 1.5 } } };
    expect(JSON.parse(serializeData(value, 1024))).toEqual(value);
  });

  it.each([
    ["a function", { fn: () => 1 }, /\$\.fn is a function/],
    ["a BigInt", { n: 10n }, /BigInt/],
    ["a symbol", { s: Symbol("x") }, /symbol/],
    ["NaN", { n: Number.NaN }, /NaN/],
    ["Infinity", [Number.POSITIVE_INFINITY], /Infinity/],
    ["a Map", { m: new Map() }, /Map/],
    ["a Set", new Set([1]), /Set/],
    ["undefined at top level", undefined, /undefined/],
    ["undefined inside an array", [1, undefined], /\$\[1\]/],
  ])("rejects %s with INVALID_DATA naming the path", (_label, value, message) => {
    expect(() => serializeData(value, 1024)).toThrow(expect.objectContaining({ code: "INVALID_DATA" }));
    expect(findUnserializable(value)).toMatch(message);
  });

  it("rejects a cycle", () => {
    const value: Record<string, unknown> = { a: 1 };
    value["self"] = value;
    expect(findUnserializable(value)).toMatch(/cycle/);
  });

  it("accepts the same object twice when it is not a cycle", () => {
    const shared = { x: 1 };
    expect(findUnserializable({ a: shared, b: shared })).toBeUndefined();
  });

  it("accepts Dates through their toJSON", () => {
    expect(serializeData({ at: new Date(0) }, 1024)).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });

  it("rejects payloads over the byte limit with PAYLOAD_TOO_LARGE and the sizes", () => {
    expect(() => serializeData("é".repeat(600), 1000)).toThrow(
      expect.objectContaining({ code: "PAYLOAD_TOO_LARGE", details: { bytes: 1202, maxBytes: 1000 } }),
    );
    expect(serializeData("é".repeat(400), 1000)).toHaveLength(402);
  });
});

describe("serializeResult", () => {
  it("keeps undefined as no result", () => {
    expect(serializeResult(undefined)).toBeUndefined();
  });

  it("explains a non-serialisable return value", () => {
    expect(() => serializeResult({ n: 1n })).toThrow(/return value cannot be stored as JSON/);
  });
});
