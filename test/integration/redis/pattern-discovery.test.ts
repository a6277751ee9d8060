// A topic-pattern subscription hears of a new queue as it registers, so it reads the queue's events from the
// first: before, it found the queue at its next registry pass (up to two seconds on), and a queue that made more
// than its stream's cap of script calls by then had lost its first events to trimming.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Queue, QueueEvents, RedisBackend } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const reachable = await requireService("redis");
/** Past the event stream's cap (EVENTS_MAXLEN, 2000 script calls): one add is one script call. */
const ADDS = 6_000;

describe.runIf(reachable)("a pattern subscription on Redis", () => {
  it("counts every event of a queue created after it subscribed, from its first add", async () => {
    const prefix = `wd-${randomBytes(4).toString("hex")}`;
    const producer = new RedisBackend({ url: SERVICE_URLS.redis, prefix });
    const listener = new RedisBackend({ url: SERVICE_URLS.redis, prefix });
    const events = new QueueEvents("signup.#", { backend: listener });
    const queue = new Queue("signup.eu", { backend: producer });
    try {
      let added = 0;
      events.on("added", () => (added += 1));
      await events.waitUntilReady();
      // One awaited add at a time: each is a script call of its own (adds in flight are batched into one).
      for (let i = 0; i < ADDS; i++) await queue.add("n", { i });
      await waitFor(() => added === ADDS, {
        message: `all ${ADDS} added events`,
        timeout: 20_000,
      });
      expect(added).toBe(ADDS);
    } finally {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await events.close();
      await Promise.all([producer.close(), listener.close()]);
    }
  });
});
