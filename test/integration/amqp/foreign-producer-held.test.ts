// A foreign producer (pika) that publishes before any Warren process declared the queue: the message is held in
// `<prefix>.unrouted` and reaches the queue once a Warren process declares it (issue #7). Real RabbitMQ, Redis and
// the management API; each run uses its own exchange prefixes and deletes them afterwards.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { AmqpBackend } from "../../../src/backend/amqp/index.js";
import { RedisStore } from "../../../src/backend/redis/index.js";
import { loadAmqplib } from "../../../src/backend/load-driver.js";
import { UnsupportedError } from "../../../src/errors/warren-error.js";
import type { Backend, Queue } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { DEFAULT_BLOCK_MS } from "../../../src/worker/worker-options.js";
import { uniqueQueueName, useHarness, type Harness } from "../../helpers/harness.js";
import {
  closeConnectionsNamed,
  countConnectionsNamed,
  deleteResource,
  getExchange,
  getQueue,
  managementReachable,
  peekMessages,
  setPolicy,
} from "../../helpers/rabbitmq-admin.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const run = promisify(execFile);
const PYTHON = "/usr/bin/python3";
const FIXTURE = "test/integration/amqp/fixtures/pika_producer.py";
const reachable =
  (await requireService("rabbitmq")) && (await requireService("redis")) && (await managementReachable());
const pikaInstalled =
  existsSync(PYTHON) &&
  (await run(PYTHON, ["-c", "import pika"]).then(
    () => true,
    () => false,
  ));
if (reachable && !pikaInstalled) {
  const message = "python3-pika is not installed (apt-get install python3-pika)";
  if (process.env["WARREN_REQUIRE_SERVICES"] === "1") throw new Error(message);
  console.warn(`!! SKIPPED the held foreign-producer tests: ${message}`);
}

const RUN = randomBytes(3).toString("hex");
/** The prefix the running Warren uses: its jobs exchange exists, the test's queues do not. */
const PREFIX = `warren-it-held-${RUN}`;
/** No Warren process ever runs before the producer here. */
const FRESH_PREFIX = `warren-it-fresh-${RUN}`;
/** Its jobs exchange is declared as an older Warren did, without an alternate exchange. */
const LEGACY_PREFIX = `warren-it-legacy-${RUN}`;
const STORE_PREFIX = `wt-held-${RUN}`;

/** The names docs/reference/wire-format.md gives producers, spelled out: the test pins the documented contract. */
function topologyNames(prefix: string) {
  return {
    jobsExchange: `${prefix}.jobs`,
    unroutedExchange: `${prefix}.unrouted`,
    holdingQueue: `${prefix}.unrouted`,
    deadLetterExchange: `${prefix}.dlx`,
    eventsExchange: `${prefix}.events`,
    jobQueue: (queue: string) => `${prefix}.q.${queue}`,
    holdingDrainLock: `${prefix}.unrouted.drain-lock`,
  };
}

type Image = { image: string; width: number; seq?: number };

/** Publishes with the pika fixture; resolves with its stdout, rejects when pika raised (e.g. UnroutableError). */
async function publishWithPika(
  prefix: string,
  queue: string,
  id: string,
  ...flags: string[]
): Promise<string> {
  const { stdout } = await run(PYTHON, [
    FIXTURE,
    `${SERVICE_URLS.rabbitmq}/%2F`,
    `${prefix}.jobs`,
    queue,
    id,
    ...flags,
  ]);
  return stdout;
}

/** The ready messages the holding queue of `prefix` holds for `queue`. */
async function heldFor(prefix: string, queue: string) {
  return (await peekMessages(topologyNames(prefix).holdingQueue, 10_000)).filter(
    (m) => m.routing_key === queue,
  );
}

/** How many messages wait in a queue, read without taking them (a passive declare). */
async function readyMessages(queue: string): Promise<number> {
  const connection = await loadAmqplib().connect(SERVICE_URLS.rabbitmq);
  try {
    const channel = await connection.createChannel();
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await connection.close();
  }
}

async function completed(queue: Queue<Image, string>, id: string) {
  return waitFor(
    async () => {
      const found = await queue.getJob(id);
      return found?.state === "completed" ? found : undefined;
    },
    { message: `job ${id} to complete` },
  );
}

function resize(harness: Harness, backend: Backend, name: string, seen: Image[] = []): void {
  harness.worker<Image, string>(
    backend,
    name,
    (job) => {
      seen.push(job.data);
      return `thumb-${job.data.width}`;
    },
    // The harness lowers blockMs for speed elsewhere; nothing here depends on it.
    { blockMs: DEFAULT_BLOCK_MS },
  );
}

describe.runIf(reachable && pikaInstalled)("pika jobs published before their queue exists", () => {
  const errors: Error[] = [];
  const backendFor = (prefix: string, connectionName?: string) => () =>
    new AmqpBackend({
      url: SERVICE_URLS.rabbitmq,
      store: new RedisStore({ url: SERVICE_URLS.redis, prefix: STORE_PREFIX }),
      exchange: prefix,
      onError: (error) => errors.push(error),
      ...(connectionName === undefined ? {} : { connectionName }),
    });
  const harness = useHarness(backendFor(PREFIX));
  const fresh = useHarness(backendFor(FRESH_PREFIX));
  const legacy = useHarness(backendFor(LEGACY_PREFIX));
  const CUT_CONNECTION = `warren-it-held-cut-${RUN}`;
  const cut = useHarness(backendFor(PREFIX, CUT_CONNECTION));
  const warnings = () => errors.filter((error) => error instanceof UnsupportedError);

  beforeEach(() => {
    errors.length = 0;
  });

  afterAll(async () => {
    for (const prefix of [PREFIX, FRESH_PREFIX, LEGACY_PREFIX]) {
      const names = topologyNames(prefix);
      await deleteResource("policies", names.unroutedExchange);
      await deleteResource("queues", names.holdingQueue);
      for (const exchange of [names.jobsExchange, names.unroutedExchange, names.deadLetterExchange]) {
        await deleteResource("exchanges", exchange);
      }
      await deleteResource("exchanges", names.eventsExchange);
    }
  });

  /** A running Warren whose jobs exchange exists, with nothing bound for the test's queues yet. */
  async function runningWarren(h: Harness): Promise<Backend> {
    const backend = await h.backend();
    await h.queue(backend, uniqueQueueName("other")).add("warm-up", {});
    return backend;
  }

  it("is held with mandatory on, then run by the first worker of that queue, and leaves nothing held", async () => {
    const backend = await runningWarren(harness);
    const names = topologyNames(PREFIX);
    const name = uniqueQueueName("held");
    const id = `py-${randomBytes(4).toString("hex")}`;
    // Before the holding queue, pika raised UnroutableError here: no queue was bound for `name`.
    expect(await publishWithPika(PREFIX, name, id)).toContain(`published ${id}`);
    expect((await getExchange(names.jobsExchange))?.arguments).toEqual({
      "alternate-exchange": names.unroutedExchange,
    });
    expect(await heldFor(PREFIX, name)).toHaveLength(1);

    const queue = harness.queue<Image, string>(backend, name);
    const seen: Image[] = [];
    resize(harness, backend, name, seen);
    const job = await completed(queue, id);
    expect(job).toMatchObject({
      name: "resize",
      data: { image: "cat.png", width: 64 },
      returnValue: "thumb-64",
    });
    expect(seen).toEqual([{ image: "cat.png", width: 64 }]);
    expect(await heldFor(PREFIX, name)).toEqual([]);
    expect(warnings()).toEqual([]);
  });

  it("keeps the message of a queue that has no worker while the other queue's runs", async () => {
    const backend = await runningWarren(harness);
    const [served, unserved] = [uniqueQueueName("served"), uniqueQueueName("unserved")];
    const [servedId, unservedId] = [
      `py-${randomBytes(4).toString("hex")}`,
      `py-${randomBytes(4).toString("hex")}`,
    ];
    await publishWithPika(PREFIX, served, servedId);
    // Without mandatory the message used to vanish without a word.
    await publishWithPika(PREFIX, unserved, unservedId, "--no-mandatory");

    const servedQueue = harness.queue<Image, string>(backend, served);
    resize(harness, backend, served);
    await completed(servedQueue, servedId);
    // The drain that moved `served` held `unserved`'s message unacked and then put it back.
    const kept = await waitFor(
      async () => {
        const held = await heldFor(PREFIX, unserved);
        return held.length === 1 ? held : undefined;
      },
      { message: "the unserved queue's message back in the holding queue" },
    );
    expect(JSON.parse(kept[0]!.payload)).toMatchObject({ id: unservedId });
    expect(await heldFor(PREFIX, served)).toEqual([]);
    expect(await getQueue(topologyNames(PREFIX).jobQueue(unserved))).toBeUndefined();

    // Still intact: its worker, when it comes, runs it.
    const unservedQueue = harness.queue<Image, string>(backend, unserved);
    resize(harness, backend, unserved);
    await completed(unservedQueue, unservedId);
    expect(await heldFor(PREFIX, unserved)).toEqual([]);
  });

  it("reaches its queue in publish order, each message once, while three processes drain at once", async () => {
    const backends = [await runningWarren(harness), await harness.backend(), await harness.backend()];
    const name = uniqueQueueName("order");
    const idPrefix = `py-${randomBytes(4).toString("hex")}`;
    const count = 20;
    await publishWithPika(PREFIX, name, idPrefix, "--count", String(count));
    expect(await heldFor(PREFIX, name)).toHaveLength(count);

    // Three producers declare the queue together: three drains race for the holding queue's lock.
    const queues = backends.map((backend) => harness.queue<Image, string>(backend, name));
    await Promise.all(queues.map((queue) => queue.add("warren", { image: "-", width: 0 })));
    const jobQueue = topologyNames(PREFIX).jobQueue(name);
    const inQueue = await waitFor(
      async () => {
        const messages = await peekMessages(jobQueue);
        return messages.length === count + queues.length && (await heldFor(PREFIX, name)).length === 0
          ? messages
          : undefined;
      },
      { message: "every held message moved into the job queue" },
    );
    const foreign = inQueue
      .map((m) => JSON.parse(m.payload) as { id: string; data: Image })
      .filter((envelope) => envelope.id.startsWith(idPrefix));
    expect(foreign.map((envelope) => envelope.data.seq)).toEqual([...Array(count).keys()]);

    const seen: Image[] = [];
    resize(harness, backends[0]!, name, seen);
    for (let seq = 0; seq < count; seq++) await completed(queues[0]!, `${idPrefix}-${seq}`);
    await waitFor(() => seen.length === count + queues.length, { message: "the Warren jobs too" });
    expect(seen.filter((data) => data.seq !== undefined)).toHaveLength(count);
  });

  it("is kept when the producer declares the topology itself before any Warren process ever ran", async () => {
    const names = topologyNames(FRESH_PREFIX);
    expect(await getExchange(names.jobsExchange)).toBeUndefined();
    const name = uniqueQueueName("fresh");
    const id = `py-${randomBytes(4).toString("hex")}`;
    await publishWithPika(FRESH_PREFIX, name, id, "--declare-topology");

    const backend = await fresh.backend();
    const queue = fresh.queue<Image, string>(backend, name);
    resize(fresh, backend, name);
    await completed(queue, id);
    // The wire format's recipe declares exactly what Warren declares: no PRECONDITION_FAILED, no warning.
    expect(warnings()).toEqual([]);
    expect(await heldFor(FRESH_PREFIX, name)).toEqual([]);
  });

  it("keeps working on a jobs exchange an older Warren declared, warns once how to migrate, and holds once migrated", async () => {
    const names = topologyNames(LEGACY_PREFIX);
    const connection = await loadAmqplib().connect(SERVICE_URLS.rabbitmq);
    try {
      const channel = await connection.createChannel();
      await channel.assertExchange(names.jobsExchange, "topic", { durable: true });
    } finally {
      await connection.close();
    }

    const backend = await legacy.backend();
    const first = legacy.queue<Image, string>(backend, uniqueQueueName("legacy"));
    resize(legacy, backend, first.name);
    await (await first.add("resize", { image: "a.png", width: 1 })).waitUntilFinished({ timeout: 10_000 });
    const second = legacy.queue<Image, string>(backend, uniqueQueueName("legacy"));
    await second.add("resize", { image: "b.png", width: 2 });
    expect(warnings()).toHaveLength(1);
    const policy = `'^${names.jobsExchange.replace(/[.-]/g, "\\$&")}$' '{"alternate-exchange":"${names.unroutedExchange}"}'`;
    expect(warnings()[0]!.message).toContain(
      `rabbitmqctl set_policy --apply-to exchanges ${names.unroutedExchange} ${policy}`,
    );
    expect((await getExchange(names.jobsExchange))?.arguments).toEqual({});

    // As before: nothing is bound for this queue, so a mandatory message comes back.
    const early = uniqueQueueName("early");
    await expect(publishWithPika(LEGACY_PREFIX, early, "py-early")).rejects.toThrow(/UnroutableError/);

    // The migration the warning gives, online: a policy sets the alternate exchange.
    await setPolicy(names.unroutedExchange, {
      pattern: `^${names.jobsExchange.replace(/[.-]/g, "\\$&")}$`,
      definition: { "alternate-exchange": names.unroutedExchange },
      "apply-to": "exchanges",
    });
    await waitFor(async () => (await getExchange(names.jobsExchange))?.policy === names.unroutedExchange, {
      message: "the policy applied to the jobs exchange",
    });
    const late = uniqueQueueName("late");
    const id = `py-${randomBytes(4).toString("hex")}`;
    await publishWithPika(LEGACY_PREFIX, late, id);

    // The process that warned drains too, without a restart...
    const lateQueue = legacy.queue<Image, string>(backend, late);
    resize(legacy, backend, late);
    await completed(lateQueue, id);
    expect(await heldFor(LEGACY_PREFIX, late)).toEqual([]);
    // ...and a process started after the migration sees the holding queue at work and says nothing.
    errors.length = 0;
    const restarted = await legacy.backend();
    await legacy.queue(restarted, uniqueQueueName("legacy")).add("resize", { image: "c.png", width: 3 });
    expect(warnings()).toEqual([]);
    // Its probe message (how it saw the policy) landed in the holding queue, the only message there; the drain
    // drops it. Counted, not peeked: a peek through the management API takes the messages off the queue for a
    // moment, and a drain pass running just then would not see the probe (it would wait for the next sweep).
    await waitFor(async () => (await readyMessages(names.holdingQueue)) === 0, {
      message: "the probe message dropped from the holding queue",
    });
  });
  it("loses nothing when the draining process's connection is cut mid-pass: the next pass delivers", async () => {
    await runningWarren(harness);
    const names = topologyNames(PREFIX);
    const unserved = uniqueQueueName("unserved");
    const heldCount = 4000;
    // Enough held messages for a queue nobody serves that a pass over them takes a second or two.
    const connection = await loadAmqplib().connect(SERVICE_URLS.rabbitmq);
    try {
      const channel = await connection.createConfirmChannel();
      for (let i = 0; i < heldCount; i++) {
        channel.publish(
          names.jobsExchange,
          unserved,
          Buffer.from(JSON.stringify({ v: 1, name: "x", data: i })),
          {
            persistent: true,
          },
        );
      }
      await channel.waitForConfirms();
    } finally {
      await connection.close();
    }
    const name = uniqueQueueName("after-cut");
    const id = `py-${randomBytes(4).toString("hex")}`;
    await publishWithPika(PREFIX, name, id);

    const backend = await cut.backend();
    await backend.ping();
    // The management API lists a connection seconds after it opened: wait, so the cut can land mid-pass.
    await waitFor(async () => (await countConnectionsNamed(CUT_CONNECTION)) > 0, {
      message: "the broker to list the connection to cut",
    });
    const queue = cut.queue<Image, string>(backend, name);
    const seen: Image[] = [];
    resize(cut, backend, name, seen);
    // The lock queue exists only while a pass runs: cut the connection then.
    await waitFor(() => getQueue(names.holdingDrainLock), { message: "a drain pass under way" });
    expect(await closeConnectionsNamed(CUT_CONNECTION)).toBeGreaterThan(0);

    await completed(queue, id);
    expect(seen).toEqual([{ image: "cat.png", width: 64 }]);
    await waitFor(
      async () =>
        (await heldFor(PREFIX, unserved)).length === heldCount && (await heldFor(PREFIX, name)).length === 0,
      { message: `all ${heldCount} unserved messages back in the holding queue, none for the served queue` },
    );
    const held = (await heldFor(PREFIX, unserved)).map(
      (m) => (JSON.parse(m.payload) as { data: number }).data,
    );
    expect(held).toEqual([...Array(heldCount).keys()]);
  });
});
