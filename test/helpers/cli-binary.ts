// Runs the built `warren` binary (dist/, which `npm test` builds before vitest) as a user would, and captures
// how it ended: exit code, stdout and stderr, whether it succeeded or not.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The built CLI; the e2e files skip when it is missing (a bare `vitest` run without a build). */
export const BIN = "dist/cli/main.js";

/** Whether the binary is built. */
export const binaryBuilt = existsSync(BIN);

/** How a command ended. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `file args` with WARREN_URL set to `url`; never throws for a non-zero exit. */
export async function runCommand(file: string, args: string[], url: string): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run(file, args, {
      env: { ...process.env, WARREN_URL: url },
      timeout: 30_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Runs `warren args` against `url`. */
export function runWarren(url: string, ...args: string[]): Promise<CommandResult> {
  return runCommand("node", [BIN, ...args], url);
}
