// The memory backend's time decisions (delays, ttl, leases, limiter windows, dedupe windows) read its clock: on a
// FakeClock each one is checked at the millisecond it changes, with no real time passing.
import { afterEach, describe, expect, it } from "vitest";
import { Queue } from "../../../src/index.js";
import { ComposedBackend } from "../../../src/backend/composed-backend.js";
import type { ReadyClaimRequest } from "../../../src/backend/job-store.js";
import { MemoryDelivery } from "../../../src/backend/memory/memory-delivery.js";
import { MemoryStore } from "../../../src/backend/memory/memory-store.js";
import type { FetchRequest, JobRecord } from "../../../src/backend/records.js";
import { FakeClock } from "../../../src/testing/index.js";

const QUEUE = "clocked";

describe("the memory backend on a FakeClock", () => {
  let clock: FakeClock;
  let store: MemoryStore;
  let backend: ComposedBackend;
  let queue: Queue;
  const open: Array<{ close(): Promise<void> }> = [];

  function setup(): void {
    clock = new FakeClock();
    // MemoryBackend's own composition, with the store at hand for claims that never wait.
    store = new MemoryStore({ clock });
    backend = new ComposedBackend(store, new MemoryDelivery(store));
    queue = new Queue(QUEUE, { backend });
    open.push(queue, backend);
  }

  afterEach(async () => {
    for (const handle of open.splice(0)) await handle.close();
  });

  const claimRequest = {
    queues: [QUEUE],
    workerId: "w",
    max: 10,
    lockMs: 30_000,
    maxStalledCount: 1,
    limiter: undefined,
    groupLimits: undefined,
  };

  /** What is claimable now: the store's claim, which never waits (a fetch's wait is tested on its own). */
  async function fetch(over: Partial<ReadyClaimRequest> = {}): Promise<JobRecord[]> {
    return (await store.claimReady({ ...claimRequest, ...over })).jobs;
  }

  /** A fetch that parks, with a block time far beyond what the test waits for. */
  function parkedFetch(over: Partial<FetchRequest> = {}): Promise<JobRecord[]> {
    return backend.fetch({
      ...claimRequest,
      signal: new AbortController().signal,
      blockMs: 60_000,
      ...over,
    });
  }

  const complete = (record: JobRecord) =>
    backend.finish([
      {
        kind: "completed",
        lock: { queue: QUEUE, id: record.id, token: record.lockToken! },
        returnValue: undefined,
        finishedAt: clock.now(),
      },
    ]);

  it("a delayed job is claimable from its runAt to the millisecond, not before", async () => {
    setup();
    const job = await queue.add("later", {}, { delay: 1000 });
    expect(await fetch()).toEqual([]);
    clock.advance(999);
    expect(await fetch()).toEqual([]);
    expect(await job.getState()).toBe("delayed");
    clock.advance(1);
    const [claimed] = await fetch();
    expect(claimed?.id).toBe(job.id);
    expect(claimed?.processedAt).toBe(job.createdAt + 1000);
  });

  it("a fetch parked on a delayed job wakes when the clock reaches it, long before its block time", async () => {
    setup();
    const job = await queue.add("later", {}, { delay: 1000 });
    const parked = parkedFetch();
    await clock.whenSleeping();
    clock.advance(1000);
    expect((await parked).map((record) => record.id)).toEqual([job.id]);
  });

  it("a waiting job still starts at exactly its ttl, and one past it is expired at claim instead", async () => {
    setup();
    const onTime = await queue.add("fresh", {}, { ttl: 500 });
    clock.advance(500);
    expect((await fetch()).map((record) => record.id)).toEqual([onTime.id]);
    const late = await queue.add("stale", {}, { ttl: 500 });
    clock.advance(501);
    expect(await fetch()).toEqual([]);
    expect(await late.getState()).toBe("expired");
    await late.refresh();
    expect(late.finishedAt).toBe(late.createdAt + 501);
  });

  it("maintenance expires a waiting job past its ttl and leaves one within it", async () => {
    setup();
    const stale = await queue.add("stale", {}, { ttl: 500 });
    clock.advance(300);
    const fresh = await queue.add("fresh", {}, { ttl: 500 });
    clock.advance(201);
    expect(await backend.maintain(QUEUE, clock.now())).toMatchObject({ expired: 1 });
    expect(await stale.getState()).toBe("expired");
    expect(await fresh.getState()).toBe("waiting");
  });

  it("a lease is recovered once it has expired, and a job past its stall budget fails", async () => {
    setup();
    const job = await queue.add("work", {});
    await fetch({ lockMs: 1000, maxStalledCount: 1 });
    clock.advance(1000);
    expect(await backend.maintain(QUEUE, clock.now())).toMatchObject({ stalled: 0 });
    clock.advance(1);
    expect(await backend.maintain(QUEUE, clock.now())).toMatchObject({ stalled: 1, failedStalled: 0 });
    expect(await job.getState()).toBe("waiting");
    await fetch({ lockMs: 1000, maxStalledCount: 1 });
    clock.advance(1001);
    expect(await backend.maintain(QUEUE, clock.now())).toMatchObject({ stalled: 1, failedStalled: 1 });
    expect(await job.getState()).toBe("failed");
  });

  it("a limiter admits `max` starts in any window of `duration` ms on the clock", async () => {
    setup();
    await queue.addBulk([1, 2, 3, 4].map((n) => ({ name: "call", data: { n } })));
    const limiter = { max: 2, duration: 1000 };
    expect(await fetch({ limiter })).toHaveLength(2);
    expect(await fetch({ limiter })).toEqual([]);
    clock.advance(999);
    expect(await fetch({ limiter })).toEqual([]);
    clock.advance(1);
    expect(await fetch({ limiter, max: 1 })).toHaveLength(1);
    clock.advance(500);
    expect(await fetch({ limiter })).toHaveLength(1);
    expect(await fetch({ limiter })).toEqual([]);
  });

  it("a fetch parked on a full limiter wakes when the window slides", async () => {
    setup();
    await queue.addBulk([1, 2].map((n) => ({ name: "call", data: { n } })));
    const limiter = { max: 1, duration: 1000 };
    expect(await fetch({ limiter })).toHaveLength(1);
    const parked = parkedFetch({ limiter });
    await clock.whenSleeping();
    clock.advance(1000);
    expect(await parked).toHaveLength(1);
  });

  it("a finished job's dedupe key holds for its ttl from the job's creation, then frees", async () => {
    setup();
    const first = await queue.add("sync", {}, { dedupe: { key: "user-7", ttl: 1000 } });
    const [claimed] = await fetch();
    clock.advance(400);
    await complete(claimed!);
    clock.advance(599);
    expect((await queue.add("sync", {}, { dedupe: { key: "user-7", ttl: 1000 } })).id).toBe(first.id);
    clock.advance(1);
    expect((await queue.add("sync", {}, { dedupe: { key: "user-7", ttl: 1000 } })).id).not.toBe(first.id);
  });
});
