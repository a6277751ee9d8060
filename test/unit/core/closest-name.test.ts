import { describe, expect, it } from "vitest";
import { closestName } from "../../../src/core/closest-name.js";

describe("closestName", () => {
  it("finds a typo one or two edits away", () => {
    expect(closestName("prefx", ["prefix", "connectTimeout"])).toBe("prefix");
    expect(closestName("stroe", ["store", "connectTimeout"])).toBe("store");
    expect(closestName("ConnectTimeOut", ["connectTimeout"])).toBe("connectTimeout");
  });

  it("prefers the nearest candidate", () => {
    expect(closestName("schem", ["scheme2x", "schema"])).toBe("schema");
  });

  it("does not guess for a different word", () => {
    expect(closestName("db", ["prefix", "connectTimeout"])).toBeUndefined();
    expect(closestName("sl", ["ssl"])).toBe("ssl");
    expect(closestName("xyz", ["ssl"])).toBeUndefined();
  });
});
