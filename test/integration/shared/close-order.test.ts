// Whatever the close order, a process ends by itself: no loop keeps spinning or waiting on a closed backend.
// Each case runs in its own process, which must exit with code 0 without anyone calling process.exit.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { waitFor } from "../../../src/testing/index.js";
import { uniqueQueueName } from "../../helpers/harness.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const prefix = `close-${randomBytes(4).toString("hex")}`;
const redis = `${SERVICE_URLS.redis}?prefix=${prefix}`;
const targets = [
  { name: "memory", needs: [], url: "memory://" },
  { name: "redis", needs: ["redis"], url: redis },
  { name: "postgres", needs: ["postgres"], url: SERVICE_URLS.postgres },
  {
    name: "amqp+redis",
    needs: ["rabbitmq", "redis"],
    url: `${SERVICE_URLS.rabbitmq}?store=${encodeURIComponent(redis)}`,
  },
  {
    name: "amqp+postgres",
    needs: ["rabbitmq", "postgres"],
    url: `${SERVICE_URLS.rabbitmq}?store=${encodeURIComponent(SERVICE_URLS.postgres)}`,
  },
] as const;

/** Runs the fixture; resolves with its exit code and output once it exits, or kills it at the deadline. */
async function runFixture(url: string, order: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "test/integration/shared/fixtures/close-order.ts",
      url,
      uniqueQueueName("close"),
      order,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let output = "";
  let code: number | null | undefined;
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.on("exit", (exitCode) => (code = exitCode));
  try {
    await waitFor(() => code !== undefined, { message: `the ${order} process to exit`, timeout: 40_000 });
  } finally {
    if (code === undefined) child.kill("SIGKILL");
  }
  return { code: code ?? null, output };
}

for (const target of targets) {
  let reachable = true;
  for (const service of target.needs) reachable = (await requireService(service)) && reachable;

  describe.runIf(reachable)(`closing in the wrong order (${target.name})`, () => {
    it("a process that closes its backend before its worker and events exits by itself", async () => {
      const { code, output } = await runFixture(target.url, "backend-first");
      expect(output).toContain("returned");
      expect(output.match(/^error CLOSED$/gm) ?? []).toHaveLength(1);
      expect(code).toBe(0);
    }, 60_000);

    it("a process that creates a worker on a closed backend exits by itself", async () => {
      const { code, output } = await runFixture(target.url, "worker-on-closed");
      expect(output).toBe("error CLOSED\nreturned\n");
      expect(code).toBe(0);
    }, 60_000);
  });
}
