// The maintenance leader: of the workers on a queue, one holds the queue's maintenance lock and runs the
// passes; closing it hands leadership over, and another worker takes it.
import { expect, it } from "vitest";
import { waitFor } from "../../../src/testing/index.js";
import { maintenanceLockKey } from "../../../src/worker/maintenance-timer.js";
import type { ContractContext } from "../contract-suite.js";

export function maintenanceCases({ harness }: ContractContext): void {
  it("one worker leads a queue's maintenance; closing it hands over to the next, closing all frees it", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const key = maintenanceLockKey(queue.name);
    const isLed = (): Promise<boolean> =>
      backend.lock(key, { ttl: 60_000 }).then(
        async (probe) => {
          await probe.release();
          return false;
        },
        () => true,
      );
    // Default interval (5 s): a starting worker runs its first pass at once, the survivor takes over at its
    // next tick.
    const first = harness.worker(backend, queue.name, () => "done");
    const second = harness.worker(backend, queue.name, () => "done");
    await waitFor(isLed, { message: "a worker to lead maintenance", timeout: 20_000 });

    await first.close();
    await waitFor(isLed, { message: "the remaining worker to lead maintenance", timeout: 20_000 });
    await second.close();
    expect(await isLed()).toBe(false);
  });
}
