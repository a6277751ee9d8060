import { describe, expect, it } from "vitest";
import { uuidv7 } from "../../../src/core/ids.js";

describe("uuidv7", () => {
  it("produces RFC 9562 version 7 ids", () => {
    expect(uuidv7(Date.now())).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it("sorts ids created in the same millisecond in creation order", () => {
    const ids = Array.from({ length: 1000 }, () => uuidv7(1_700_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
