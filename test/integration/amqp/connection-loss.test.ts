import { randomBytes } from "node:crypto";
import { describe, it } from "vitest";
import { AmqpBackend } from "../../../src/backend/amqp/index.js";
import { RedisStore } from "../../../src/backend/redis/index.js";
import { useHarness } from "../../helpers/harness.js";
import { closeConnectionsNamed, managementReachable } from "../../helpers/rabbitmq-admin.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";
import { runConnectionCutScenario } from "../shared/connection-cut.js";

const reachable =
  (await requireService("rabbitmq")) && (await requireService("redis")) && (await managementReachable());

describe.runIf(reachable)("RabbitMQ connection loss (real broker, amqp+redis)", () => {
  const connectionName = `warren-cut-${randomBytes(4).toString("hex")}`;
  const harness = useHarness(
    () =>
      new AmqpBackend({
        url: SERVICE_URLS.rabbitmq,
        store: new RedisStore({ url: SERVICE_URLS.redis, prefix: `wt-${randomBytes(4).toString("hex")}` }),
        exchange: "warren-it",
        connectionName,
        onError: () => {},
      }),
  );

  it(
    "300 jobs in flight all complete exactly once when every broker connection is cut twice",
    { timeout: 180_000 },
    async () => {
      await runConnectionCutScenario(harness, () => closeConnectionsNamed(connectionName));
    },
  );
});
