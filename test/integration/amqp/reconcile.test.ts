// The store is the truth: a job it holds as waiting whose broker message was lost (here: purged from the queue)
// is published again by reconciliation, and completes without anyone's help.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AmqpBackend } from "../../../src/backend/amqp/index.js";
import { RedisStore } from "../../../src/backend/redis/index.js";
import { uniqueQueueName, useHarness } from "../../helpers/harness.js";
import { useRawAmqp } from "../../helpers/raw-amqp.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const reachable = (await requireService("rabbitmq")) && (await requireService("redis"));
const PREFIX = "warren-it";
/** The default reconciliation bound (30 s) plus a maintenance interval (5 s), with room to spare. */
const RECOVERY_DEADLINE_MS = 50_000;

describe.runIf(reachable)("reconciliation on the RabbitMQ transport (real broker)", () => {
  const broker = useRawAmqp();
  const harness = useHarness(
    () =>
      new AmqpBackend({
        url: SERVICE_URLS.rabbitmq,
        store: new RedisStore({ url: SERVICE_URLS.redis, prefix: `rc-${randomBytes(4).toString("hex")}` }),
        exchange: PREFIX,
        onError: () => {},
      }),
  );

  it("a waiting job whose message was lost is published again and completes", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend, uniqueQueueName("rc"));
    const job = await queue.add("lost", { n: 1 });
    // The message is gone from the broker; the store still says waiting.
    const purged = await broker.channel.purgeQueue(`${PREFIX}.q.${queue.name}`);
    expect(purged.messageCount).toBe(1);
    harness.worker(backend, queue.name, () => "found again");
    expect(await job.waitUntilFinished({ timeout: RECOVERY_DEADLINE_MS })).toBe("found again");
  }, 60_000);
});
