// The outbox relay's passes overlap, so a caller's flush may find its entries already taken by the pass before
// it, still publishing: the caller must not be released until that publish is confirmed too (an addBulk that
// resolved early let a worker consume its jobs in arrival order, not by priority).
import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../src/index.js";
import { buildJobRecord, type RecordContext } from "../../../src/model/build-record.js";
import { OutboxRelay } from "../../../src/backend/amqp/outbox-relay.js";
import type { Publisher } from "../../../src/backend/amqp/publisher.js";
import type { OutboxEntry } from "../../../src/backend/job-store.js";
import { waitFor } from "../../../src/testing/index.js";
import { recordingLogger } from "../../helpers/recording-logger.js";

/** A publisher whose confirms the test releases by hand. */
function heldPublisher(): { publisher: Publisher; calls: OutboxEntry[][]; confirm: () => void } {
  const calls: OutboxEntry[][] = [];
  const held: Array<() => void> = [];
  const publisher = {
    publishJobs: (_queue: string, entries: OutboxEntry[]) => {
      calls.push(entries);
      return new Promise<void>((resolve) => held.push(resolve));
    },
  } as unknown as Publisher;
  return { publisher, calls, confirm: () => held.splice(0).forEach((resolve) => resolve()) };
}

describe("OutboxRelay", () => {
  it("releases a flush only once the pass before it, which took its entries, is confirmed", async () => {
    const store = new MemoryStore();
    store.watch({ outboxFilled: () => undefined, deadLettered: () => undefined });
    const { publisher, calls, confirm } = heldPublisher();
    const relay = new OutboxRelay(
      store,
      publisher,
      store.clock,
      (error) => {
        throw error;
      },
      recordingLogger(),
    );
    const context: RecordContext = {
      queueName: "q",
      defaults: {},
      maxPayloadBytes: 1e6,
      now: store.clock.now(),
    };
    await store.enqueue([buildJobRecord(context, "a", {}, undefined)]);
    const first = relay.flush("q");
    await waitFor(() => calls.length === 1, { message: "the first pass to publish" });
    // Asked for after the first pass took the entry: this pass takes nothing of its own. A few turns of the
    // event loop let it take (and, before the fix, resolve) while the first publish is still unconfirmed.
    let secondDone = false;
    const second = relay.flush("q").then(() => (secondDone = true));
    for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(secondDone).toBe(false);
    confirm();
    await Promise.all([first, second]);
    expect(secondDone).toBe(true);
    await relay.close();
    await store.close();
  });
});
