import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const BIN = "dist/cli/main.js";

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function warren(...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run("node", [BIN, ...args], {
      env: { ...process.env, WARREN_URL: "memory://" },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

// npm test builds before running vitest; a bare `vitest` run without a build skips these loudly.
describe.runIf(existsSync(BIN))("the warren CLI (built binary)", () => {
  it("--help lists the command groups", async () => {
    const result = await warren("--help");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/queue\s+inspect and manage queues/);
    expect(result.stdout).toMatch(/job\s+inspect and manage jobs/);
  });

  it("queue ls --json on an empty backend prints []", async () => {
    const result = await warren("queue", "ls", "--json");
    expect(result).toMatchObject({ code: 0 });
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  it("job add prints the new job's id, and --json its record", async () => {
    const plain = await warren("job", "add", "email", "welcome", "--data", '{"to":"a@b.c"}');
    expect(plain.code).toBe(0);
    expect(plain.stdout.trim()).toMatch(/^[0-9a-f-]{36}$/);
    const json = await warren("--json", "job", "add", "email", "welcome", "--opts", '{"priority":2}');
    expect(JSON.parse(json.stdout)).toMatchObject({
      name: "welcome",
      state: "waiting",
      opts: { priority: 2 },
    });
  });

  it("invalid job options exit 2 with a message naming the option", async () => {
    const result = await warren("job", "add", "q", "n", "--opts", '{"priority":0}');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: .*priority must be an integer 1–10/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("malformed --data exits 2", async () => {
    const result = await warren("job", "add", "q", "n", "--data", "{oops");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--data is not valid JSON/);
  });

  it("an unknown job exits 1 and says so", async () => {
    const result = await warren("job", "get", "q", "missing");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/job missing does not exist/);
  });

  it("an unsupported URL exits 2 without printing its password", async () => {
    const result = await warren("--url", "foo://user:hunter2@example.invalid", "queue", "ls");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no backend for/);
    expect(result.stderr).not.toContain("hunter2");
  });

  it("an unknown command is a usage error", async () => {
    expect((await warren("queue", "bogus")).code).toBe(2);
  });
});
