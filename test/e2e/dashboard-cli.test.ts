// `warren dashboard` as a subprocess against a real Redis: it binds 127.0.0.1, prints its URL, answers reads
// only with the token, refuses actions with --read-only, and stops on SIGTERM.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { requireService, SERVICE_URLS } from "../helpers/services.js";

const TSX = "node_modules/.bin/tsx";

/** Starts the command and resolves with the child and the URL it printed. */
async function startDashboard(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(TSX, ["src/cli/main.ts", "--json", "dashboard", "--port", "0", ...args], {
    env: { ...process.env, WARREN_URL: SERVICE_URLS.redis, WARREN_DASHBOARD_TOKEN: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let errors = "";
  child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"dashboard":\s*"([^"]+)"/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`warren dashboard exited ${code}: ${errors}`)));
  });
  return { child, url };
}

const redis = await requireService("redis");

describe.runIf(redis)("warren dashboard (subprocess, real Redis)", () => {
  let running: ChildProcess | undefined;

  afterEach(async () => {
    if (running && running.exitCode === null) {
      running.kill("SIGTERM");
      await once(running, "exit");
    }
    running = undefined;
  });

  it("binds 127.0.0.1, needs the token for reads, and exits 0 on SIGTERM", async () => {
    const token = randomBytes(8).toString("hex");
    const { child, url } = await startDashboard(["--token", token]);
    running = child;
    expect(new URL(url).hostname).toBe("127.0.0.1");
    expect((await fetch(`${url}api/queues`)).status).toBe(401);
    expect((await fetch(`${url}api/queues`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      200,
    );
    child.kill("SIGTERM");
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(0);
  });

  it("with --read-only refuses actions with 403", async () => {
    const { child, url } = await startDashboard(["--basic", "ops:pw", "--read-only"]);
    running = child;
    const authorization = `Basic ${Buffer.from("ops:pw").toString("base64")}`;
    const response = await fetch(`${url}api/queues/anything/pause`, {
      method: "POST",
      headers: { authorization },
    });
    expect(response.status).toBe(403);
  });
});
