// Prints the plain "N passed, N failed, N skipped" line CI reads, summed over vitest's JSON reports.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface VitestJsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: Array<{ status: string; assertionResults: Array<{ status: string }> }>;
}

/** The projects npm test runs, each writing its own report. */
const EXPECTED_REPORTS = ["vitest.json", "vitest-serial.json"];
const dir = process.argv[2] ?? ".test-results";

let passed = 0;
let failed = 0;
let skipped = 0;
for (const name of EXPECTED_REPORTS) {
  let report: VitestJsonReport;
  try {
    report = JSON.parse(readFileSync(join(dir, name), "utf8")) as VitestJsonReport;
  } catch {
    // A missing report means that run never happened (lint, typecheck, build or an earlier project failed).
    console.error(`no test report ${name} in ${dir} (found: ${safeList(dir).join(", ") || "none"})`);
    failed += 1;
    continue;
  }
  passed += report.numPassedTests;
  // A file that failed to load (or failed in a hook) has no test counted as failed; count it once so the line
  // never hides it. A file whose tests failed is already counted by them.
  failed += report.numFailedTests + report.testResults.filter(failedWithoutFailedTest).length;
  skipped += report.numPendingTests + report.numTodoTests;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);

function failedWithoutFailedTest(file: VitestJsonReport["testResults"][number]): boolean {
  return file.status === "failed" && !file.assertionResults.some((test) => test.status === "failed");
}

function safeList(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
