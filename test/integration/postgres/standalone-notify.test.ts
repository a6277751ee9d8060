// Events that follow a statement which committed by itself (a claim, a finish) go out in a transaction that
// stores nothing, committed without waiting for the WAL flush: a NOTIFY holds PostgreSQL's one notification lock
// through its commit. The setting must stay inside that one statement's implicit transaction: leaked into the
// pooled session, it would make every later commit of that connection lose durability.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { STANDALONE_NOTIFY } from "../../../src/backend/postgres/pg-tx.js";
import { waitFor } from "../../../src/testing/index.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const reachable = await requireService("postgres");

describe.runIf(reachable)("standalone NOTIFY (real server)", () => {
  const clients: pg.Client[] = [];
  const connect = async (): Promise<pg.Client> => {
    const client = new pg.Client({ connectionString: SERVICE_URLS.postgres });
    await client.connect();
    clients.push(client);
    return client;
  };
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end()));
  });

  it("runs with synchronous_commit off inside its own statement only, and delivers every payload", async () => {
    const channel = `warren_test_${randomBytes(4).toString("hex")}`;
    const listener = await connect();
    const heard: string[] = [];
    listener.on("notification", (message) => heard.push(message.payload ?? ""));
    await listener.query(`LISTEN "${channel}"`);
    const sender = await connect();
    const before = (await sender.query<{ synchronous_commit: string }>("SHOW synchronous_commit")).rows[0]!;

    const { rows } = await sender.query<{ setting: string }>(
      STANDALONE_NOTIFY.replace(
        "SELECT pg_notify($1, payload)",
        "SELECT current_setting('synchronous_commit') AS setting, pg_notify($1, payload)",
      ),
      [channel, JSON.stringify(["one", "two", "three"])],
    );
    expect(rows.map((row) => row.setting)).toEqual(["off", "off", "off"]);
    // Payloads are JSON themselves: quotes, backslashes and non-ASCII text arrive as they were sent.
    const json = JSON.stringify([{ event: "waiting", name: 'a "quoted" \\ name', note: "naïve ✓" }]);
    await sender.query(STANDALONE_NOTIFY, [channel, JSON.stringify([json])]);

    await waitFor(() => heard.length === 4, { message: "all four payloads heard" });
    expect(heard).toEqual(["one", "two", "three", json]);
    const after = (await sender.query<{ synchronous_commit: string }>("SHOW synchronous_commit")).rows[0]!;
    expect(after.synchronous_commit).toBe(before.synchronous_commit);
  });
});
