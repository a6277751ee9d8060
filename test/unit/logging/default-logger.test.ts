// The default logger, as a user who passes none gets it: JSON lines on stderr at WARREN_LOG_LEVEL (warn by
// default), credentials redacted, pino loaded only when a record passes the level. Each case runs in its own
// process, because the default logger writes to the process's stderr.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const FIXTURE = "test/unit/logging/fixtures/log-lines.ts";

async function logLines(
  env: Record<string, string>,
  arg = "all",
): Promise<{ lines: Record<string, unknown>[]; stdout: string }> {
  const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", FIXTURE, arg], {
    env: { ...process.env, WARREN_LOG_LEVEL: "", ...env },
  });
  const lines = stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { lines, stdout };
}

describe("the default logger", () => {
  it("writes warn and error records only, as JSON on stderr, with the child's bindings", async () => {
    const { lines } = await logLines({});
    expect(lines.map((line) => line["msg"])).toEqual(["a warn record", "an error record"]);
    expect(lines[0]).toMatchObject({ name: "warren", level: 40, queue: "email" });
    expect((lines[0]!["err"] as { message: string; stack: string }).message).toBe("boom");
    expect((lines[0]!["err"] as { stack: string }).stack).toContain("log-lines.ts");
  });

  it("keeps a URL's host and hides its password; hides a password field entirely", async () => {
    const { lines } = await logLines({});
    const text = JSON.stringify(lines);
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("s3cret");
    expect(lines[0]!["url"]).toBe("redis://:***@db.internal:6379/0");
    expect(lines[0]!["password"]).toBe("[Redacted]");
    expect((lines[1]!["nested"] as { storeUrl: string }).storeUrl).toBe("postgres://app:***@pg:5432/jobs");
  });

  it("writes debug and info records at WARREN_LOG_LEVEL=debug", async () => {
    const { lines } = await logLines({ WARREN_LOG_LEVEL: "debug" });
    expect(lines.map((line) => line["msg"])).toEqual([
      "a debug record",
      "an info record",
      "a warn record",
      "an error record",
    ]);
  });

  it("writes nothing at WARREN_LOG_LEVEL=silent", async () => {
    const { lines } = await logLines({ WARREN_LOG_LEVEL: "silent" });
    expect(lines).toEqual([]);
  });

  it("names a WARREN_LOG_LEVEL that is no level, and logs at warn", async () => {
    const { lines } = await logLines({ WARREN_LOG_LEVEL: "loud" });
    expect(lines[0]!["msg"]).toContain("WARREN_LOG_LEVEL=loud is not a level");
    expect(lines.slice(1).map((line) => line["msg"])).toEqual(["a warn record", "an error record"]);
  });

  it("does not load pino while nothing passes the level", async () => {
    const { stdout } = await logLines({}, "quiet");
    expect(stdout).toBe("pino not loaded\n");
  });
});
