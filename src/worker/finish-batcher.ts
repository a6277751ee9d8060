// Coalesces finished tries into batched `finish` calls: one in flight, the next batch forming behind it. Each
// try is answered by a callback, not a promise of its own: a promise, its executor and two resolving functions
// per job were a fifth of what a worker allocated per job on the memory backend.
import type { Backend } from "../backend/contract.js";
import type { FinishStatus, Outcome } from "../backend/records.js";

/** What the batcher tells its owner about each submitted try. */
export interface FinishListener<Item> {
  /** The outcome `item` carries. */
  outcomeOf(item: Item): Outcome;
  /** The batch holding `item` was recorded; `status` is its own answer. */
  recorded(item: Item, status: FinishStatus): void;
  /** The batch holding `item` failed as a whole with `error`. */
  failed(item: Item, error: unknown): void;
}

/** Submits tries (anything carrying an outcome); answers each once its batch is recorded or has failed. */
export class FinishBatcher<Item> {
  private forming: Item[] = [];
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly backend: Backend,
    private readonly listener: FinishListener<Item>,
  ) {}

  submit(item: Item): void {
    this.forming.push(item);
    this.flushing ??= this.flush();
  }

  /** Waits until every submitted try is answered (those submitted meanwhile included). */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    try {
      // Let tries that finish in the same tick join the batch.
      await Promise.resolve();
      while (this.forming.length > 0) {
        const batch = this.forming;
        this.forming = [];
        await this.send(batch);
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async send(batch: Item[]): Promise<void> {
    let statuses: FinishStatus[];
    try {
      statuses = await this.backend.finish(batch.map((item) => this.listener.outcomeOf(item)));
    } catch (error) {
      for (const item of batch) {
        try {
          this.listener.failed(item, error);
        } catch (thrown) {
          rethrowLater(thrown);
        }
      }
      return;
    }
    for (let i = 0; i < batch.length; i++) {
      try {
        this.listener.recorded(batch[i]!, statuses[i] ?? "lock-lost");
      } catch (thrown) {
        rethrowLater(thrown);
      }
    }
  }
}

/**
 * A throw from an answer (a user's event listener) must not leave the rest of the batch unanswered; it still
 * surfaces as an uncaught exception, as a throwing EventEmitter listener's would.
 */
export function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
