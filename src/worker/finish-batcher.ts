// Coalesces finished tries into batched `finish` calls: one in flight, the next batch forming behind it.
import type { Backend } from "../backend/contract.js";
import type { FinishStatus, Outcome } from "../backend/records.js";

interface Pending {
  outcome: Outcome;
  resolve: (status: FinishStatus) => void;
  reject: (error: unknown) => void;
}

/** Submits outcomes; each resolves with its own status once its batch is recorded. */
export class FinishBatcher {
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;

  constructor(private readonly backend: Backend) {}

  submit(outcome: Outcome): Promise<FinishStatus> {
    return new Promise((resolve, reject) => {
      this.queue.push({ outcome, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    // Let tries that finish in the same tick join the batch.
    await Promise.resolve();
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        const statuses = await this.backend.finish(batch.map((p) => p.outcome));
        batch.forEach((p, i) => p.resolve(statuses[i] ?? "lock-lost"));
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    this.flushing = undefined;
  }

  /** Waits until every submitted outcome is recorded. */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }
}
