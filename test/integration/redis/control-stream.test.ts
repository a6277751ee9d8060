// A worker hears its queue through the control stream: the transitions of every job (added, active, completed)
// stay out of it, so a busy queue's events never cross the wire to its workers; what a worker must act on does.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { Queue, RedisBackend, Worker } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const reachable = await requireService("redis");

/** The event names in a stream, in order. */
async function eventsIn(client: Redis, key: string): Promise<string[]> {
  const entries = (await client.xrange(key, "-", "+")) as Array<[string, string[]]>;
  return entries.flatMap(([, flat]) => (JSON.parse(flat[1]!) as Array<{ e: string }>).map((e) => e.e));
}

describe.runIf(reachable)("the Redis control stream", () => {
  it("holds control events only, and a worker's cancel request reaches it through that stream", async () => {
    const prefix = `cs-${randomBytes(4).toString("hex")}`;
    const backend = new RedisBackend({ url: SERVICE_URLS.redis, prefix });
    const client = new Redis(SERVICE_URLS.redis);
    const queue = new Queue("mail", { backend });
    let cancelled: unknown;
    const worker = new Worker(
      "mail",
      async (job, { signal }) => {
        if (job.name !== "slow") return "sent";
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
        cancelled = signal.reason;
        throw signal.reason;
      },
      { backend },
    );
    try {
      const quick = await queue.add("quick", {});
      await quick.waitUntilFinished({ timeout: 20_000 });
      const slow = await queue.add("slow", {});
      await waitFor(async () => (await queue.getJob(slow.id))?.state === "active", {
        message: "slow starts",
      });
      await queue.cancel(slow.id, "not needed");
      await waitFor(() => cancelled !== undefined, { message: "the worker to abort the slow job" });

      const control = await eventsIn(client, `{${prefix}:mail}:control`);
      expect(control).toContain("cancel-requested");
      expect(control.filter((e) => ["added", "waiting", "active", "completed"].includes(e))).toEqual([]);
      expect(await eventsIn(client, `{${prefix}:mail}:events`)).toEqual(
        expect.arrayContaining(["added", "active", "completed", "cancel-requested"]),
      );
    } finally {
      await worker.close();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await backend.close();
      client.disconnect();
    }
  });
});
