// prom-client is an optional peer: a process that never collects metrics never loads it, even after importing
// warren/metrics. Runs in its own process, where nothing else has loaded it.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const run = promisify(execFile);

it("loads prom-client only when collectMetrics is called", async () => {
  const { stdout } = await run(process.execPath, [
    "--import",
    "tsx",
    "test/unit/metrics/fixtures/metrics-load.ts",
  ]);
  expect(stdout).toBe("after a job: not loaded\nafter collectMetrics: loaded\n");
});
