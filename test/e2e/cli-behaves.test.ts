// The CLI as a new user meets it: exit codes that agree (0 ok, 1 operational, 2 usage), messages in the CLI's
// own words, a pipe closed early, --version. Runs the built binary against a real Redis.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Queue, RedisBackend, Worker } from "../../src/index.js";
import { waitFor } from "../../src/testing/index.js";
import {
  BIN,
  binaryBuilt,
  runCommand as exec,
  runWarren,
  type CommandResult,
} from "../helpers/cli-binary.js";
import { requireService, SERVICE_URLS } from "../helpers/services.js";

const redisReachable = await requireService("redis");

describe.runIf(binaryBuilt && redisReachable)("the CLI behaves (built binary, real Redis)", () => {
  const prefix = `cb-${randomBytes(4).toString("hex")}`;
  const url = `${SERVICE_URLS.redis}?prefix=${prefix}`;
  const warren = (...args: string[]): Promise<CommandResult> => runWarren(url, ...args);
  const backend = new RedisBackend({ url: SERVICE_URLS.redis, prefix, onError: () => {} });
  const queue = new Queue("mailer", { backend });
  let failedId = "";

  beforeAll(async () => {
    const job = await queue.add("welcome", { to: "a@b.c" }, { attempts: 1 });
    failedId = job.id;
    const worker = new Worker(
      "mailer",
      () => {
        throw new Error("SMTP said no\n  and a second line");
      },
      { backend },
    );
    await job.waitUntilFinished({ timeout: 20_000 }).catch(() => undefined);
    await worker.close();
    await queue.addBulk(Array.from({ length: 3000 }, (_, i) => ({ name: `bulk-${i}`, data: { i } })));
  });

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await backend.close();
  });

  it("remove and cancel of a missing job exit 1, like retry and promote", async () => {
    for (const verb of ["remove", "cancel", "retry", "promote"]) {
      const result = await warren("job", verb, "mailer", "no-such-id");
      expect({ verb, code: result.code }).toEqual({ verb, code: 1 });
      expect(result.stderr).toContain('job no-such-id does not exist in queue "mailer"');
    }
  });

  it("queue info and job ls on an unknown queue exit 1 and suggest the queue meant", async () => {
    const info = await warren("queue", "info", "mailr");
    expect(info.code).toBe(1);
    expect(info.stderr).toContain('queue "mailr" does not exist on this backend; did you mean "mailer"?');
    const list = await warren("job", "ls", "nothing-like-it");
    expect(list.code).toBe(1);
    expect(list.stderr).toContain("`warren queue ls` lists the queues it has");
  });

  it("job ls shows the failure reason on one line", async () => {
    const result = await warren("job", "ls", "mailer", "--state", "failed");
    expect(result.code).toBe(0);
    const row = result.stdout.split("\n").find((line) => line.startsWith(failedId));
    expect(row).toContain("SMTP said no");
    expect(result.stdout).not.toContain("a second line");
  });

  it("a pipe closed early ends the command quietly with exit 0", async () => {
    const script = `node ${BIN} job ls mailer --limit 3000 | head -1; echo "exit:\${PIPESTATUS[0]}" >&2`;
    const result = await exec("bash", ["-c", script], url);
    expect(result.stdout.split("\n").filter(Boolean)).toHaveLength(1);
    expect(result.stderr.trim()).toBe("exit:0");
  });

  it("--version prints the package version", async () => {
    const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    const result = await warren("--version");
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it("errors name the CLI's flags, not the library's options", async () => {
    const worker = new Worker("busy", () => new Promise(() => {}), { backend });
    const busy = new Queue("busy", { backend });
    try {
      const job = await busy.add("hang", {});
      await waitFor(async () => (await busy.getJob(job.id))?.state === "active", {
        message: "the job to start",
        timeout: 20_000,
      });
      const result = await warren("queue", "obliterate", "busy");
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("pass --force");
      expect(result.stderr).not.toContain("{ force: true }");
    } finally {
      await worker.close({ force: true });
      await busy.obliterate({ force: true });
    }
  });

  it("a URL it cannot use is printed as typed, password hidden", async () => {
    const result = await warren("--url", "amqp://user:hunter2@host…", "queue", "ls");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("amqp://user:***@host…");
    expect(result.stderr).not.toContain("%E2%80%A6");
    expect(result.stderr).not.toContain("hunter2");
  });

  it("a read whose broker is down exits 1 naming the host, though the job store could answer it", async () => {
    const store = encodeURIComponent(url);
    const result = await warren("--url", `amqp://guest:guest@127.0.0.1:1?store=${store}`, "queue", "ls");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("RabbitMQ at 127.0.0.1:1 is unreachable");
    expect(result.stdout).toBe("");
  });
});
