import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe } from "vitest";
import { AmqpBackend } from "../../src/backend/amqp/index.js";
import { PostgresStore } from "../../src/backend/postgres/index.js";
import { requireService, SERVICE_URLS } from "../helpers/services.js";
import { defineContractSuite } from "./contract-suite.js";

const reachable = (await requireService("rabbitmq")) && (await requireService("postgres"));
// One schema for this file: migrations run once, and the schema is dropped at the end.
const schema = `wt_${randomBytes(4).toString("hex")}`;

describe.runIf(reachable)("amqp+postgres", () => {
  afterAll(async () => {
    const pool = new pg.Pool({ connectionString: SERVICE_URLS.postgres, max: 1 });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });
  defineContractSuite({
    name: "amqp+postgres",
    create: () =>
      new AmqpBackend({
        url: SERVICE_URLS.rabbitmq,
        store: new PostgresStore({ url: SERVICE_URLS.postgres, schema, poolSize: 4, onError: () => {} }),
        exchange: "warren-test",
        onError: () => {},
      }),
  });
});
