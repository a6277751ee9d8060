// The JobStore half a transport relies on, against each real store: the outbox lease, promotion of due jobs,
// reconciliation, and the signals that tell the transport about outbox entries and dead letters.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ComposedBackend } from "../../../src/backend/composed-backend.js";
import type { Delivery } from "../../../src/backend/delivery.js";
import type { JobStore } from "../../../src/backend/job-store.js";
import { MemoryStore } from "../../../src/backend/memory/index.js";
import { PostgresStore } from "../../../src/backend/postgres/index.js";
import { RedisStore } from "../../../src/backend/redis/index.js";
import { Queue } from "../../../src/index.js";
import { uniqueQueueName, useHarness } from "../../helpers/harness.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const stores = [
  { name: "memory", needs: [], create: (): JobStore => new MemoryStore() },
  {
    name: "redis",
    needs: ["redis"],
    create: (): JobStore =>
      new RedisStore({
        url: SERVICE_URLS.redis,
        prefix: `os-${randomBytes(4).toString("hex")}`,
        onError: () => {},
      }),
  },
  {
    name: "postgres",
    needs: ["postgres"],
    create: (): JobStore => new PostgresStore({ url: SERVICE_URLS.postgres, onError: () => {} }),
  },
] as const;

const LEASE_MS = 10_000;

/** What the store told its transport. */
interface Heard {
  filled: string[];
  dead: Array<[string, string, string]>;
}

/**
 * The transport of these tests is the test itself: it turns the outbox on and records the signals, as the
 * AMQP delivery does, and takes and claims entries by hand. It never fetches.
 */
class HandDelivery implements Delivery {
  readonly transport = "hand";
  readonly capabilities = {
    topicWildcards: false,
    nativeDeadLetter: false,
    blockingFetch: false,
    roundRobinGroups: false,
  };
  readonly heard: Heard = { filled: [], dead: [] };

  constructor(store: JobStore) {
    store.watch({
      outboxFilled: (queue) => this.heard.filled.push(queue),
      deadLettered: (queue, id, reason) => this.heard.dead.push([queue, id, reason]),
    });
  }

  fetch(): Promise<never> {
    return Promise.reject(new Error("these tests take the outbox by hand"));
  }
  releaseWorker = (): Promise<void> => Promise.resolve();
  beforeEnqueue = (): Promise<void> => Promise.resolve();
  changed = (): Promise<void> => Promise.resolve();
  maintain = (): Promise<void> => Promise.resolve();
  observe = (): void => {};
  ping = (): Promise<void> => Promise.resolve();
  close = (): Promise<void> => Promise.resolve();
}

/** Claims one job as a transport's delivery would; returns its lock token. */
async function claimOne(store: JobStore, queue: string, id: string): Promise<string> {
  const [claim] = await store.claimJobs({
    queue,
    ids: [id],
    workerId: "w",
    lockMs: 30_000,
    maxStalledCount: 1,
    limiter: undefined,
  });
  expect(claim?.status).toBe("claimed");
  return claim?.status === "claimed" ? claim.record.lockToken! : "";
}

/** A job record as Queue.add would build it, through a Queue on the store's backend. */
async function addJob(
  backend: ComposedBackend,
  queue: string,
  opts: Record<string, unknown> = {},
): Promise<string> {
  const job = await new Queue(queue, { backend }).add("job", { n: 1 }, opts);
  return job.id;
}

for (const target of stores) {
  let reachable = true;
  for (const service of target.needs) reachable = (await requireService(service)) && reachable;

  describe.runIf(reachable)(`the outbox of a job store (${target.name})`, () => {
    let made: { store: JobStore; delivery: HandDelivery } | undefined;
    const harness = useHarness(() => {
      const store = target.create();
      const delivery = new HandDelivery(store);
      made = { store, delivery };
      return new ComposedBackend(store, delivery);
    });
    const storeOf = async (): Promise<{ store: JobStore; backend: ComposedBackend; heard: Heard }> => {
      const backend = (await harness.backend()) as ComposedBackend;
      return { store: made!.store, backend, heard: made!.delivery.heard };
    };

    it("an ack of an old lease keeps the entry a later retry made: the retry is published", async () => {
      const { store, backend } = await storeOf();
      const queue = harness.queue(backend, uniqueQueueName("ob")).name;
      const id = await addJob(backend, queue, { attempts: 2 });
      const now = store.clock.now();
      // The publisher takes the entry, and its message is delivered before the publish is confirmed ...
      expect((await store.takeOutbox(queue, now, 10, LEASE_MS)).map((e) => e.id)).toEqual([id]);
      const token = await claimOne(store, queue, id);
      // ... the try fails and is retried at once, which makes a new outbox entry ...
      const finishedAt = store.clock.now();
      await store.finish([
        {
          kind: "failed",
          lock: { queue, id, token },
          reason: "boom",
          stacktrace: [],
          finishedAt,
          retryAt: finishedAt,
        },
      ]);
      // ... and then the first publish's confirm arrives: its ack must not erase the retry's entry.
      await store.ackOutbox(queue, [id], now + LEASE_MS);
      const again = await store.takeOutbox(queue, store.clock.now(), 10, LEASE_MS);
      expect(again.map((entry) => entry.id)).toEqual([id]);
    });

    it("an ack under the lease the entry was taken with forgets it", async () => {
      const { store, backend } = await storeOf();
      const queue = harness.queue(backend, uniqueQueueName("ob")).name;
      await addJob(backend, queue);
      const now = store.clock.now();
      const taken = await store.takeOutbox(queue, now, 10, LEASE_MS);
      await store.ackOutbox(
        queue,
        taken.map((entry) => entry.id),
        now + LEASE_MS,
      );
      expect(await store.takeOutbox(queue, now + LEASE_MS + 1, 10, LEASE_MS)).toEqual([]);
    });

    it("promoteDue moves due delayed jobs to the outbox, signals it, and says when the next is due", async () => {
      const { store, backend, heard } = await storeOf();
      const queue = harness.queue(backend, uniqueQueueName("ob")).name;
      const now = store.clock.now();
      // Far enough ahead that a slow add still stores it delayed; promoted by naming a later "now".
      const soon = await addJob(backend, queue, { runAt: now + 10_000 });
      await addJob(backend, queue, { runAt: now + 60_000 });
      heard.filled.length = 0;
      const result = await store.promoteDue(queue, now + 20_000);
      expect(result.promoted).toBe(1);
      expect(result.nextDueAt).toBe(now + 60_000);
      expect(heard.filled).toContain(queue);
      expect((await store.getJob(queue, soon))?.state).toBe("waiting");
      expect((await store.takeOutbox(queue, store.clock.now(), 10, LEASE_MS)).map((e) => e.id)).toEqual([
        soon,
      ]);
    });

    it("rearmStale gives a waiting job whose delivery was lost an outbox entry again", async () => {
      const { store, backend } = await storeOf();
      const queue = harness.queue(backend, uniqueQueueName("ob")).name;
      const id = await addJob(backend, queue);
      const now = store.clock.now();
      const taken = await store.takeOutbox(queue, now, 10, LEASE_MS);
      await store.ackOutbox(
        queue,
        taken.map((entry) => entry.id),
        now + LEASE_MS,
      );
      // Published and acked, but the message never reached a worker: the job is still waiting.
      expect(await store.rearmStale(queue, now - 1_000, 100)).toBe(0);
      expect(await store.rearmStale(queue, store.clock.now() + 1, 100)).toBe(1);
      expect((await store.takeOutbox(queue, store.clock.now(), 10, LEASE_MS)).map((e) => e.id)).toEqual([id]);
      // An entry already owed is not doubled.
      expect(await store.rearmStale(queue, store.clock.now() + 1, 100)).toBe(0);
    });

    it("a job that ends failed for good, or expired, is signalled for dead-lettering with its reason", async () => {
      const { store, backend, heard } = await storeOf();
      const queue = harness.queue(backend, uniqueQueueName("ob")).name;
      const id = await addJob(backend, queue);
      const token = await claimOne(store, queue, id);
      const at = store.clock.now();
      await store.finish([
        {
          kind: "failed",
          lock: { queue, id, token },
          reason: "card declined",
          stacktrace: [],
          finishedAt: at,
          retryAt: undefined,
        },
      ]);
      const expiring = await addJob(backend, queue, { ttl: 1 });
      await store.maintain(queue, store.clock.now() + 1_000);
      expect(heard.dead).toEqual([
        [queue, id, "card declined"],
        [queue, expiring, expect.stringContaining("expired")],
      ]);
    });
  });
}
