// What an operator reads when a server connection drops and comes back: a warning when it is lost, one info
// record when it is back, each naming the backend. The connections are cut from the server's side (CLIENT
// KILL, pg_terminate_backend, the broker's management API), as a failover or a restart would.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  AmqpBackend,
  MemoryStore,
  PostgresBackend,
  Queue,
  RedisBackend,
  type Backend,
} from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { closeConnectionsNamed, managementReachable } from "../../helpers/rabbitmq-admin.js";
import { recordingLogger, type RecordingLogger } from "../../helpers/recording-logger.js";
import { killRedisClientsNamed, terminatePostgresConnectionsNamed } from "../../helpers/server-admin.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";
import { uniqueQueueName } from "../../helpers/harness.js";

const name = `warren-log-${randomBytes(4).toString("hex")}`;

interface Target {
  backend: string;
  reachable: boolean;
  open: (logger: RecordingLogger) => Backend;
  cut: () => Promise<number>;
  reconnected: string;
  /** Something that makes the backend use (and so re-open) the connection that was cut. */
  use: (backend: Backend) => Promise<unknown>;
}

const addOne = (backend: Backend) => new Queue(uniqueQueueName("log"), { backend }).add("n", {});

const targets: Target[] = [
  {
    backend: "redis",
    reachable: await requireService("redis"),
    open: (logger) => new RedisBackend({ url: SERVICE_URLS.redis, connectionName: name, logger }),
    cut: () => killRedisClientsNamed(name),
    reconnected: "reconnected to Redis",
    use: addOne,
  },
  {
    backend: "postgres",
    reachable: await requireService("postgres"),
    open: (logger) => new PostgresBackend({ url: SERVICE_URLS.postgres, applicationName: name, logger }),
    cut: () => terminatePostgresConnectionsNamed(name),
    reconnected: "reconnected to PostgreSQL",
    // The LISTEN connection is the one that reconnects by itself; a subscription opens it first.
    use: async (backend) => (await backend.subscribe("nothing-here", () => undefined))(),
  },
  {
    backend: "amqp",
    reachable: (await requireService("rabbitmq")) && (await managementReachable()),
    open: (logger) =>
      new AmqpBackend({ url: SERVICE_URLS.rabbitmq, connectionName: name, store: new MemoryStore(), logger }),
    cut: () => closeConnectionsNamed(name),
    reconnected: "reconnected to RabbitMQ",
    use: addOne,
  },
];

describe.concurrent("a connection cut from the server's side is logged", () => {
  for (const target of targets) {
    it.runIf(target.reachable)(
      `${target.backend}: a warning when lost, one info record when back`,
      async () => {
        const logger = recordingLogger();
        const backend = target.open(logger);
        try {
          await target.use(backend);
          await waitFor(async () => (await target.cut()) > 0, {
            message: "the server to list the backend's connections",
            timeout: 15_000,
          });
          await waitFor(() => logger.matching(target.reconnected).length > 0, {
            message: `"${target.reconnected}" in the log`,
            timeout: 20_000,
          });
          await target.use(backend);
          const back = logger.matching(target.reconnected);
          expect(back).toHaveLength(1);
          expect(back[0]).toMatchObject({ level: "info", fields: { backend: target.backend } });
          const lost = logger.records.filter((record) => record.level === "warn");
          expect(lost.length).toBeGreaterThan(0);
          expect(lost.every((record) => record.fields["backend"] === target.backend)).toBe(true);
          // Nothing a user would call noise: no record above debug but these.
          expect(logger.records.filter((record) => record.level === "info")).toEqual(back);
        } finally {
          await backend.close();
        }
      },
    );
  }
});
