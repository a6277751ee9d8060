// EventBus across backend objects that share a server, as two processes would: Redis pub/sub and PostgreSQL
// NOTIFY carry the message; the RabbitMQ backend uses its store's bus.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import {
  AmqpBackend,
  EventBus,
  PostgresBackend,
  PostgresStore,
  RedisBackend,
  type Backend,
} from "../../src/index.js";
import { waitFor } from "../../src/testing/index.js";
import { requireService, SERVICE_URLS } from "../helpers/services.js";

const redis = await requireService("redis");
const postgres = await requireService("postgres");
const rabbitmq = await requireService("rabbitmq");
const schema = `wt_${randomBytes(4).toString("hex")}`;

async function crossDelivery(publisherSide: Backend, subscriberSide: Backend): Promise<void> {
  const topic = `bus-it.${randomBytes(4).toString("hex")}.created`;
  const received: Array<{ topic: string; data: unknown }> = [];
  const subscriber = new EventBus({ backend: subscriberSide });
  await subscriber.subscribe(
    "bus-it.*.created",
    (data, message) => void received.push({ topic: message.topic, data }),
  );
  await new EventBus({ backend: publisherSide }).publish(topic, { id: 7 });
  await waitFor(() => received.length === 1, { message: "the other backend to receive the message" });
  expect(received).toEqual([{ topic, data: { id: 7 } }]);
  await subscriber.close();
}

describe("EventBus across backend objects (real servers)", () => {
  afterAll(async () => {
    if (!postgres) return;
    const pool = new pg.Pool({ connectionString: SERVICE_URLS.postgres, max: 1 });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it.runIf(redis)(
    "Redis: a message published through one backend reaches a subscriber on another",
    async () => {
      const prefix = `wt-${randomBytes(4).toString("hex")}`;
      const [a, b] = [1, 2].map(
        () => new RedisBackend({ url: SERVICE_URLS.redis, prefix, onError: () => {} }),
      );
      try {
        await crossDelivery(a!, b!);
      } finally {
        await Promise.all([a!.close(), b!.close()]);
      }
    },
  );

  it.runIf(postgres)(
    "PostgreSQL: a message published through one backend reaches a subscriber on another",
    async () => {
      const [a, b] = [1, 2].map(
        () => new PostgresBackend({ url: SERVICE_URLS.postgres, schema, onError: () => {} }),
      );
      try {
        await crossDelivery(a!, b!);
        const tooBig = new EventBus({ backend: a! }).publish("bus-it.big", "x".repeat(9_000));
        await expect(tooBig).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
      } finally {
        await Promise.all([a!.close(), b!.close()]);
      }
    },
  );

  it.runIf(rabbitmq && postgres)(
    "amqp+postgres: the bus goes through the store, across backend objects",
    async () => {
      const make = (): AmqpBackend =>
        new AmqpBackend({
          url: SERVICE_URLS.rabbitmq,
          store: new PostgresStore({ url: SERVICE_URLS.postgres, schema, onError: () => {} }),
          exchange: "warren-it",
          onError: () => {},
        });
      const [a, b] = [make(), make()];
      try {
        await crossDelivery(a, b);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    },
  );
});
