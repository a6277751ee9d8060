import { describe, expect, it } from "vitest";
import { JOB_STATES } from "../../../src/index.js";
import { containsPattern } from "../../../src/backend/postgres/postgres-search.js";
import {
  DEFAULT_SCAN_LIMIT,
  DEFAULT_SEARCH_LIMIT,
  MAX_SCAN_LIMIT,
  resolveSearchQuery,
} from "../../../src/queue/search-options.js";

describe("search options", () => {
  it("defaults to every state, the first page of 100 and a bound of 10,000 jobs", () => {
    expect(resolveSearchQuery("ada", undefined)).toEqual({
      text: "ada",
      states: [...JOB_STATES],
      offset: 0,
      limit: DEFAULT_SEARCH_LIMIT,
      scanLimit: DEFAULT_SCAN_LIMIT,
    });
  });

  it("takes one state or several, each once", () => {
    expect(resolveSearchQuery("x", { states: "failed" }).states).toEqual(["failed"]);
    expect(resolveSearchQuery("x", { states: ["failed", "completed", "failed"] }).states).toEqual([
      "failed",
      "completed",
    ]);
  });

  it.each([
    ["an empty text", "", {}, /text of 1–1000 characters/],
    ["a text that is not a string", 42, {}, /text of 1–1000 characters to look for \(got 42\)/],
    ["an empty states list", "x", { states: [] }, /states must name at least one state/],
    ["an unknown state", "x", { states: ["finished"] }, /states.0: states must name job states/],
    ["an unknown single state", "x", { states: "finished" }, /states must name job states/],
    ["states that are not states", "x", { states: 3 }, /states must be a job state or an array of them/],
    ["a negative offset", "x", { offset: -1 }, /offset must be at least 0/],
    ["a limit of 0", "x", { limit: 0 }, /limit must be at least 1/],
    ["a fractional limit", "x", { limit: 2.5 }, /limit must be an integer/],
    ["a scanLimit past the cap", "x", { scanLimit: MAX_SCAN_LIMIT + 1 }, /scanLimit must be at most 100000/],
    ["an unknown option", "x", { order: "asc" }, /unknown option order/],
    ["options that are not an object", "x", "failed", /options must be an object/],
  ])("refuses %s with INVALID_OPTION, saying what to fix", (_, text, options, message) => {
    expect(() => resolveSearchQuery(text, options)).toThrow(
      expect.objectContaining({ code: "INVALID_OPTION" }),
    );
    expect(() => resolveSearchQuery(text, options)).toThrow(message);
  });
});

describe("the PostgreSQL search pattern", () => {
  it("escapes the ILIKE metacharacters and the escape character itself", () => {
    expect(containsPattern("50%_off\\now")).toBe("%50\\%\\_off\\\\now%");
    expect(containsPattern(".*[a]")).toBe("%.*[a]%");
  });
});
