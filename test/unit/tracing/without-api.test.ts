// Warren without @opentelemetry/api: the optional peer is missing, so tracing is a no-op and jobs run as ever.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

describe("without @opentelemetry/api installed", () => {
  it("a process adds and runs jobs, untraced, and loads no API", async () => {
    const { stdout } = await run(process.execPath, [
      "--import",
      "tsx",
      "test/unit/tracing/fixtures/without-otel-api.ts",
    ]);
    expect(JSON.parse(stdout.trim())).toEqual({ api: null, results: ["ran solo", "ran bulk"], trace: null });
  });
});
