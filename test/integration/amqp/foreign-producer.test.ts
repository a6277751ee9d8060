import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { AmqpBackend } from "../../../src/backend/amqp/index.js";
import { RedisStore } from "../../../src/backend/redis/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { uniqueQueueName, useHarness } from "../../helpers/harness.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const run = promisify(execFile);
const PYTHON = "/usr/bin/python3";
const reachable = (await requireService("rabbitmq")) && (await requireService("redis"));
const pikaInstalled =
  existsSync(PYTHON) &&
  (await run(PYTHON, ["-c", "import pika"]).then(
    () => true,
    () => false,
  ));
if (reachable && !pikaInstalled) {
  const message = "python3-pika is not installed (apt-get install python3-pika)";
  if (process.env["WARREN_REQUIRE_SERVICES"] === "1") throw new Error(message);
  console.warn(`!! SKIPPED the pika producer test: ${message}`);
}
const PREFIX = "warren-it";

describe.runIf(reachable && pikaInstalled)("a job published by a Python program with pika", () => {
  const harness = useHarness(
    () =>
      new AmqpBackend({
        url: SERVICE_URLS.rabbitmq,
        store: new RedisStore({ url: SERVICE_URLS.redis, prefix: `wt-${randomBytes(4).toString("hex")}` }),
        exchange: PREFIX,
        onError: () => {},
      }),
  );

  it("is completed by a Warren worker and recorded like any other job", async () => {
    const backend = await harness.backend();
    const queue = harness.queue<{ image: string; width: number }, string>(backend, uniqueQueueName("py"));
    const seen: Array<{ image: string; width: number }> = [];
    harness.worker<{ image: string; width: number }, string>(backend, queue.name, (job) => {
      seen.push(job.data);
      return `thumb-${job.data.width}`;
    });
    // A first job through Warren declares the queue and proves the worker is consuming it.
    await (await queue.add("warm-up", { image: "-", width: 0 })).waitUntilFinished({ timeout: 10_000 });
    seen.length = 0;
    const id = `py-${randomBytes(4).toString("hex")}`;
    const { stdout } = await run(PYTHON, [
      "test/integration/amqp/fixtures/pika_producer.py",
      `${SERVICE_URLS.rabbitmq}/%2F`,
      `${PREFIX}.jobs`,
      queue.name,
      id,
    ]);
    expect(stdout).toContain(`published ${id}`);
    const job = await waitFor(
      async () => {
        const found = await queue.getJob(id);
        return found?.state === "completed" ? found : undefined;
      },
      { message: "the pika job to complete" },
    );
    expect(job).toMatchObject({
      name: "resize",
      data: { image: "cat.png", width: 64 },
      returnValue: "thumb-64",
    });
    expect(seen).toEqual([{ image: "cat.png", width: 64 }]);
  });
});
