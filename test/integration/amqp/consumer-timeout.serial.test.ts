import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AmqpBackend } from "../../../src/backend/amqp/index.js";
import { RedisStore } from "../../../src/backend/redis/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { deferred, uniqueQueueName, useHarness } from "../../helpers/harness.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

// Serial project: this lowers the broker-wide consumer_timeout, which would break any other test holding a
// delivery. RabbitMQ checks the timeout on each channel tick (60 s by default), so the tick is lowered too;
// both apply to channels opened afterwards, and both are restored at the end.
const run = promisify(execFile);
const reachable = (await requireService("rabbitmq")) && (await requireService("redis"));
const TIMEOUT_MS = 3_000;
const TICK_MS = 500;

async function brokerEnv(key: string): Promise<string> {
  const { stdout } = await run("rabbitmqctl", ["eval", `application:get_env(rabbit, ${key}).`]);
  return stdout.trim();
}

async function setBrokerEnv(key: string, value: string): Promise<void> {
  // get_env printed "{ok,N}" or "undefined": restore exactly that.
  const match = /^\{ok,(\d+)\}$/.exec(value);
  const expression = match
    ? `application:set_env(rabbit, ${key}, ${match[1]}).`
    : `application:unset_env(rabbit, ${key}).`;
  await run("rabbitmqctl", ["eval", expression]);
}

/** A plain consumer that never acks: its channel is closed by the broker once the timeout passes. */
async function holdOneDeliveryUntilTimedOut(): Promise<string> {
  const connection = await amqp.connect(SERVICE_URLS.rabbitmq);
  try {
    const channel = await connection.createChannel();
    let closedWith = "";
    channel.on("error", (error: Error) => (closedWith = error.message));
    const queue = `warren-it-hold-${randomBytes(4).toString("hex")}`;
    await channel.assertQueue(queue, { durable: false, autoDelete: true });
    channel.sendToQueue(queue, Buffer.from("held"));
    await channel.consume(queue, () => undefined, { noAck: false });
    await waitFor(() => closedWith !== "", { message: "the broker to time the held delivery out" });
    return closedWith;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

describe.runIf(reachable)("a job longer than RabbitMQ's consumer_timeout (real broker, amqp+redis)", () => {
  let saved: { timeout: string; tick: string } | undefined;
  beforeAll(async () => {
    saved = { timeout: await brokerEnv("consumer_timeout"), tick: await brokerEnv("channel_tick_interval") };
    await setBrokerEnv("consumer_timeout", `{ok,${TIMEOUT_MS}}`);
    await setBrokerEnv("channel_tick_interval", `{ok,${TICK_MS}}`);
  });
  afterAll(async () => {
    if (!saved) return;
    await setBrokerEnv("consumer_timeout", saved.timeout);
    await setBrokerEnv("channel_tick_interval", saved.tick);
  });

  const brokerErrors: string[] = [];
  const harness = useHarness(
    () =>
      new AmqpBackend({
        url: SERVICE_URLS.rabbitmq,
        store: new RedisStore({ url: SERVICE_URLS.redis, prefix: `wt-${randomBytes(4).toString("hex")}` }),
        exchange: "warren-it",
        onError: (error) => brokerErrors.push(error.message),
      }),
  );

  it("runs to completion once: the delivery is acked at claim, so the broker never closes the channel", async () => {
    const backend = await harness.backend();
    const queue = harness.queue<{ kind: string }>(backend, uniqueQueueName("long"));
    const release = deferred();
    const runs = new Map<string, number>();
    const worker = harness.worker<{ kind: string }>(
      backend,
      queue.name,
      async (job) => {
        runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
        if (job.data.kind === "long") await release.promise;
        return job.data.kind;
      },
      { concurrency: 2 },
    );
    const long = await queue.add("long", { kind: "long" });
    await waitFor(async () => (await long.getState()) === "active", { message: "the long job to start" });

    // Two plain consumers opened after the long job started are timed out one after the other: the broker
    // has checked every channel, the worker's included, well past the timeout while the long job runs.
    expect(await holdOneDeliveryUntilTimedOut()).toMatch(/PRECONDITION_FAILED.*timed out/);
    expect(await holdOneDeliveryUntilTimedOut()).toMatch(/PRECONDITION_FAILED.*timed out/);

    // The worker's channel still consumes: a job added now runs beside the long one.
    const short = await queue.add("short", { kind: "short" });
    await expect(short.waitUntilFinished({ timeout: 20_000 })).resolves.toBe("short");

    release.resolve();
    await expect(long.waitUntilFinished({ timeout: 20_000 })).resolves.toBe("long");
    expect(runs.get(long.id)).toBe(1);
    expect(worker.isRunning()).toBe(true);
    expect(brokerErrors.filter((message) => /timed out|PRECONDITION/.test(message))).toEqual([]);
  });
});
