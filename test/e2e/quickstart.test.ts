import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

describe("the README quickstart", () => {
  const example = readFileSync("examples/quickstart.ts", "utf8");

  it("is byte-identical to examples/quickstart.ts", () => {
    const readme = readFileSync("README.md", "utf8");
    const block = /## Quickstart\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(example);
  });

  it.runIf(existsSync("dist/index.js"))(
    "runs against the built package and prints the job's result",
    async () => {
      const { stdout } = await run("npx", ["tsx", "examples/quickstart.ts"], {
        env: { ...process.env, WARREN_URL: "memory://" },
        timeout: 60_000,
      });
      expect(stdout).toContain("sent to ada@example.com");
      expect(stdout).toMatch(/job \S+ completed: sent to ada@example.com/);
    },
  );
});
