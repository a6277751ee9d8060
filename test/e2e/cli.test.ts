import { spawn } from "node:child_process";
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Queue, RedisBackend, Worker } from "../../src/index.js";
import { waitFor } from "../../src/testing/index.js";
import { BIN, binaryBuilt, runWarren } from "../helpers/cli-binary.js";
import { requireService, SERVICE_URLS } from "../helpers/services.js";

/** The CLI against the in-process default, which needs no server. */
const warren = (...args: string[]) => runWarren("memory://", ...args);

// npm test builds before running vitest; a bare `vitest` run without a build skips these loudly.
describe.runIf(binaryBuilt)("the warren CLI (built binary)", () => {
  it("metrics refuses the in-process memory backend with a usage error that names --url", async () => {
    const result = await warren("metrics", "--port", "0");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("pass --url");
  });

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

const redisReachable = await requireService("redis");

describe.runIf(binaryBuilt && redisReachable)("warren worker ls (built binary, real Redis)", () => {
  it("lists a worker running in another process, and not after it closed", async () => {
    const prefix = `wt-${randomBytes(4).toString("hex")}`;
    const url = `${SERVICE_URLS.redis}?prefix=${prefix}`;
    const backend = new RedisBackend({ url: SERVICE_URLS.redis, prefix, onError: () => {} });
    const worker = new Worker("cli-listed", () => "done", { backend, concurrency: 4 });
    try {
      const listed = await waitFor(
        async () => {
          const result = await warren("worker", "ls", "--json", "--url", url);
          const workers = JSON.parse(result.stdout || "[]") as Array<{
            queues: string[];
            concurrency: number;
          }>;
          return workers.length > 0 ? workers : undefined;
        },
        { message: "the CLI to list the worker", timeout: 20_000 },
      );
      expect(listed).toMatchObject([{ queues: ["cli-listed"], concurrency: 4, pid: process.pid }]);
      await worker.close();
      const after = await warren("worker", "ls", "--json", "--url", url);
      expect(JSON.parse(after.stdout)).toEqual([]);
    } finally {
      await worker.close();
      await backend.close();
    }
  });
});

describe.runIf(binaryBuilt && redisReachable)("warren schedule (built binary, real Redis)", () => {
  it("lists, pauses and removes a schedule created by another process", async () => {
    const prefix = `ws-${randomBytes(4).toString("hex")}`;
    const url = `${SERVICE_URLS.redis}?prefix=${prefix}`;
    const backend = new RedisBackend({ url: SERVICE_URLS.redis, prefix, onError: () => {} });
    const queue = new Queue("reports", { backend });
    try {
      await queue.schedule("nightly", { cron: "0 3 * * *", tz: "Europe/Oslo" }, { name: "build", limit: 5 });
      const listed = await warren("schedule", "ls", "reports", "--json", "--url", url);
      expect(listed.code).toBe(0);
      expect(JSON.parse(listed.stdout)).toMatchObject([
        { key: "nightly", cron: "0 3 * * *", tz: "Europe/Oslo", name: "build", count: 0, paused: false },
      ]);
      const table = await warren("schedule", "ls", "reports", "--url", url);
      expect(table.stdout).toContain("cron 0 3 * * * (Europe/Oslo)");
      expect(table.stdout).toContain("0/5");

      expect((await warren("schedule", "pause", "reports", "nightly", "--url", url)).code).toBe(0);
      expect((await queue.getSchedules())[0]!.paused).toBe(true);
      expect((await warren("schedule", "rm", "reports", "nightly", "--url", url)).code).toBe(0);
      expect(await queue.getSchedules()).toEqual([]);
      const missing = await warren("schedule", "rm", "reports", "nightly", "--url", url);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('no schedule "nightly"');
    } finally {
      await queue.obliterate({ force: true });
      await backend.close();
    }
  });
});

describe.runIf(binaryBuilt && redisReachable)("warren worker start (built binary, real Redis)", () => {
  it("runs the tasks a module exports until SIGTERM, serving health probes, then closes gracefully", async () => {
    const prefix = `wt-${randomBytes(4).toString("hex")}`;
    const child = spawn(
      "node",
      [
        BIN,
        "worker",
        "start",
        "test/e2e/fixtures/tasks.mjs",
        "--json",
        "--url",
        `${SERVICE_URLS.redis}?prefix=${prefix}`,
        "--health-port",
        "0",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = once(child, "exit");
    const backend = new RedisBackend({ url: SERVICE_URLS.redis, prefix, onError: () => {} });
    try {
      await waitFor(() => stdout.includes("cli-tasks/greet"), {
        message: "the worker to start",
        timeout: 20_000,
      });
      const { health } = JSON.parse(stdout) as { health: string };
      const probe = async (path: string): Promise<number> =>
        (await fetch(health.replace("/healthz", path))).status;
      expect(await probe("/healthz")).toBe(200);
      // Ready once every worker has completed a fetch: an idle one returns after blockMs.
      await waitFor(async () => (await probe("/readyz")) === 200, {
        message: "/readyz to answer 200",
        timeout: 20_000,
      });
      expect(await probe("/nope")).toBe(404);
      const queue = new Queue<{ who: string }, string>("cli-tasks", { backend });
      const job = await queue.add("greet", { who: "warren" });
      expect(await job.waitUntilFinished({ timeout: 20_000 })).toBe("hello warren");
      await queue.obliterate({ force: true });
    } finally {
      child.kill("SIGTERM");
      await backend.close();
    }
    const [code] = await exited;
    expect(code).toBe(0);
  });
});

describe.runIf(binaryBuilt && redisReachable)("warren metrics (built binary, real Redis)", () => {
  it("serves /metrics for the whole backend, counting jobs a worker in another process ran", async () => {
    const prefix = `wt-${randomBytes(4).toString("hex")}`;
    const url = `${SERVICE_URLS.redis}?prefix=${prefix}`;
    const child = spawn("node", [BIN, "metrics", "--json", "--url", url, "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = once(child, "exit");
    const backend = new RedisBackend({ url: SERVICE_URLS.redis, prefix, onError: () => {} });
    const queue = new Queue("cli-metrics", { backend });
    try {
      await waitFor(() => stdout.includes("/metrics"), {
        message: "the exporter to listen",
        timeout: 20_000,
      });
      const { metrics } = JSON.parse(stdout) as { metrics: string };
      const worker = new Worker("cli-metrics", () => "done", { backend });
      const jobs = await queue.addBulk(Array.from({ length: 5 }, () => ({ name: "n", data: {} })));
      await Promise.all(jobs.map((job) => job.waitUntilFinished({ timeout: 20_000 })));
      await worker.close();
      const scrape = async (): Promise<string> => (await fetch(metrics)).text();
      await waitFor(
        async () => (await scrape()).includes('warren_jobs_completed_total{queue="cli-metrics"} 5'),
        {
          message: "five completions on /metrics",
          timeout: 20_000,
        },
      );
      const text = await scrape();
      expect(text).toContain('warren_queue_jobs{queue="cli-metrics",state="completed"} 5');
      expect(text).toContain("# TYPE warren_job_run_seconds histogram");
      expect((await fetch(metrics.replace("/metrics", "/nope"))).status).toBe(404);
      await queue.obliterate({ force: true });
    } finally {
      child.kill("SIGTERM");
      await backend.close();
    }
    const [code] = await exited;
    expect(code).toBe(0);
  });
});
