// Prints the plain "N passed, N failed, N skipped" line CI reads, from vitest's JSON report.
import { readFileSync } from "node:fs";

interface VitestJsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
}

const path = process.argv[2] ?? ".test-results/vitest.json";
let report: VitestJsonReport;
try {
  report = JSON.parse(readFileSync(path, "utf8")) as VitestJsonReport;
} catch {
  // No report: the run died before the tests (lint, typecheck or build failed).
  console.log("0 passed, 1 failed");
  process.exit(1);
}
// A suite that failed to load has no test counted as failed; count it so the line never hides it.
const failed = report.numFailedTests + report.numFailedTestSuites;
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`${report.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
