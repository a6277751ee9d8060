// A statement that changes rows and takes row locks must take them in a MATERIALIZED CTE. Joined to an UPDATE or
// DELETE as a subquery (or an inlined CTE), a `LIMIT … FOR UPDATE SKIP LOCKED` pick may be rescanned once per
// row; each rescan skips the rows the statement already changed and locks the next ones, so a claim of one job
// claimed thirty (the PostgreSQL group contract cases caught it, in one run out of two). Which plan the planner
// takes depends on statistics, so the rule is checked on the text, where it cannot depend on luck.
import { describe, expect, it } from "vitest";
import { loadQueries } from "../../../src/backend/postgres/query-runner.js";

/** Every query as the backend runs it (fragments put in), comments out: they mention FOR UPDATE too. */
async function queryTexts(): Promise<Array<{ name: string; sql: string }>> {
  return [...(await loadQueries('"s"'))].map(([name, query]) => ({
    name,
    sql: query.text.replace(/--[^\n]*/g, ""),
  }));
}

/** Character ranges of the bodies of `name AS MATERIALIZED (…)` CTEs. */
function materializedSpans(sql: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const match of sql.matchAll(/\bAS\s+MATERIALIZED\s*\(/gi)) {
    const open = match.index + match[0].length - 1;
    let depth = 0;
    for (let i = open; i < sql.length; i++) {
      if (sql[i] === "(") depth++;
      else if (sql[i] === ")" && --depth === 0) {
        spans.push([open, i]);
        break;
      }
    }
  }
  return spans;
}

const LOCK_CLAUSE = /\bFOR\s+(UPDATE|SHARE|NO\s+KEY\s+UPDATE|KEY\s+SHARE)\b/gi;

/** An UPDATE or DELETE anywhere in the statement (the locking clauses' own UPDATE aside). */
const changesRows = (sql: string) => /\b(UPDATE|DELETE)\b/i.test(sql.replace(LOCK_CLAUSE, ""));

/** How many row-locking clauses of `sql` sit outside every MATERIALIZED CTE. */
function locksOutsideMaterialized(sql: string): number {
  const spans = materializedSpans(sql);
  return [...sql.matchAll(LOCK_CLAUSE)].filter(
    (lock) => !spans.some(([start, end]) => lock.index > start && lock.index < end),
  ).length;
}

describe("PostgreSQL queries", () => {
  it("take every row lock of a statement that changes rows in a MATERIALIZED CTE", async () => {
    const queries = await queryTexts();
    expect(queries.length).toBeGreaterThan(50);
    const offenders = queries
      .filter(({ sql }) => changesRows(sql) && locksOutsideMaterialized(sql) > 0)
      .map(({ name }) => name);
    expect(offenders).toEqual([]);
  });

  it("the check sees a locking pick joined as a plain subquery, or as a CTE that may be inlined", () => {
    const pick = "SELECT id FROM jobs ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED";
    expect(locksOutsideMaterialized(`UPDATE jobs SET x = 1 FROM (${pick}) AS p WHERE jobs.id = p.id`)).toBe(
      1,
    );
    expect(locksOutsideMaterialized(`WITH p AS (${pick}) UPDATE jobs SET x = 1 FROM p`)).toBe(1);
    expect(locksOutsideMaterialized(`WITH p AS MATERIALIZED (${pick}) UPDATE jobs SET x = 1 FROM p`)).toBe(0);
  });
});
