// The five backends the torture checker runs on, as factories for regression tests of what it found: each
// with its own key prefix or schema, and whether its servers are reachable (skipped loudly when not).
import { randomBytes } from "node:crypto";
import pg from "pg";
import {
  AmqpBackend,
  MemoryBackend,
  PostgresBackend,
  PostgresStore,
  RedisBackend,
  RedisStore,
  type Backend,
} from "../../src/index.js";
import { requireService, SERVICE_URLS } from "../helpers/services.js";

/** A backend to run regression cases on. */
export interface TortureBackend {
  name: string;
  reachable: boolean;
  create: () => Backend;
  /** Drops what the backend left on its server (the PostgreSQL schema). */
  dispose: () => Promise<void>;
}

const tag = randomBytes(4).toString("hex");
const schema = `wt_torture_${tag}`;
const quiet = (): void => undefined;

async function dropSchema(): Promise<void> {
  const client = new pg.Client({ connectionString: SERVICE_URLS.postgres });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}

/** Every backend, each probed once. */
export async function tortureBackends(): Promise<TortureBackend[]> {
  const redis = await requireService("redis");
  const postgres = await requireService("postgres");
  const rabbitmq = await requireService("rabbitmq");
  const none = (): Promise<void> => Promise.resolve();
  const redisOptions = () => ({ url: SERVICE_URLS.redis, prefix: `wt-torture-${tag}`, onError: quiet });
  const postgresOptions = () => ({ url: SERVICE_URLS.postgres, schema, poolSize: 4, onError: quiet });
  return [
    { name: "memory", reachable: true, create: () => new MemoryBackend(), dispose: none },
    { name: "redis", reachable: redis, create: () => new RedisBackend(redisOptions()), dispose: none },
    {
      name: "postgres",
      reachable: postgres,
      create: () => new PostgresBackend(postgresOptions()),
      dispose: dropSchema,
    },
    {
      name: "amqp+redis",
      reachable: rabbitmq && redis,
      create: () =>
        new AmqpBackend({
          url: SERVICE_URLS.rabbitmq,
          store: new RedisStore(redisOptions()),
          exchange: "warren-test-torture",
          onError: quiet,
        }),
      dispose: none,
    },
    {
      name: "amqp+postgres",
      reachable: rabbitmq && postgres,
      create: () =>
        new AmqpBackend({
          url: SERVICE_URLS.rabbitmq,
          store: new PostgresStore(postgresOptions()),
          exchange: "warren-test-torture",
          onError: quiet,
        }),
      dispose: dropSchema,
    },
  ];
}
