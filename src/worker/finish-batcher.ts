// Coalesces finished tries into batched `finish` calls: one in flight, the next batch forming behind it.
import type { Backend } from "../backend/contract.js";
import type { FinishStatus, Outcome } from "../backend/records.js";
import { MicroBatcher } from "../core/micro-batcher.js";

/** Submits outcomes; each resolves with its own status once its batch is recorded. */
export class FinishBatcher {
  private readonly batcher: MicroBatcher<Outcome, FinishStatus>;

  constructor(backend: Backend) {
    this.batcher = new MicroBatcher({
      send: async (outcomes) => {
        const statuses = await backend.finish(outcomes);
        return outcomes.map((_, i) => statuses[i] ?? "lock-lost");
      },
      // Let tries that finish in the same tick join the batch.
      gatherTick: true,
    });
  }

  submit(outcome: Outcome): Promise<FinishStatus> {
    return this.batcher.submit(outcome);
  }

  /** Waits until every submitted outcome is recorded. */
  idle(): Promise<void> {
    return this.batcher.idle();
  }
}
