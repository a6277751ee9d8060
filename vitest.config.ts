// Test runner. Two projects: "main" runs in parallel; "serial" holds tests that disrupt shared servers (a broker
// restart) and runs alone afterwards. JSON reports feed .ci/run's plain "N passed, N failed" line.
import { defineConfig } from "vitest/config";

const SERIAL = "test/**/*.serial.test.ts";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: [
      "default",
      ["json", { outputFile: process.env["WARREN_TEST_REPORT"] ?? ".test-results/vitest.json" }],
    ],
    projects: [
      { extends: true, test: { name: "main", include: ["test/**/*.test.ts"], exclude: [SERIAL] } },
      { extends: true, test: { name: "serial", include: [SERIAL], testTimeout: 180_000 } },
    ],
  },
});
