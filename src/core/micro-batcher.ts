// Coalesces concurrent single calls into batched ones: one batch in flight, the next forming behind it, each
// item answered on its own. Many calls in flight then pay one round-trip per batch instead of one per item.
import { ValidationError } from "../errors/warren-error.js";

/** Options of {@link MicroBatcher}. */
export interface MicroBatcherOptions<Item, Result> {
  /** Sends one batch; resolves with one result per item, in the items' order. Required. */
  send: (items: Item[]) => Promise<Result[]>;
  /** The most items one `send` carries. @defaultValue no limit */
  maxBatch?: number;
  /**
   * Whether an idle batcher waits one microtask before its first `send`, so that items submitted in the same
   * tick share it. Without, a lone item goes out at once and the items after it gather behind it.
   * @defaultValue false
   */
  gatherTick?: boolean;
  /**
   * Whether a batch of several items that failed with `error` is sent again one item at a time, so that the item
   * at fault fails alone. Otherwise every item of the batch rejects with the batch's error.
   * @defaultValue never
   */
  retryAlone?: (error: unknown) => boolean;
}

interface ResolvedOptions<Item, Result> {
  readonly send: (items: Item[]) => Promise<Result[]>;
  readonly maxBatch: number;
  readonly gatherTick: boolean;
  readonly retryAlone: (error: unknown) => boolean;
}

interface Pending<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

/** Submits single items; each resolves with its own result once its batch is sent. */
export class MicroBatcher<Item, Result> {
  private readonly options: ResolvedOptions<Item, Result>;
  private waiting: Array<Pending<Item, Result>> = [];
  private flushing: Promise<void> | undefined;

  constructor(options: MicroBatcherOptions<Item, Result>) {
    const maxBatch = options.maxBatch ?? Infinity;
    if (!(maxBatch === Infinity || (Number.isInteger(maxBatch) && maxBatch >= 1))) {
      throw new ValidationError(
        "INVALID_OPTION",
        `maxBatch must be a whole number of at least 1, or Infinity (got ${maxBatch})`,
      );
    }
    this.options = Object.freeze({
      send: options.send,
      maxBatch,
      gatherTick: options.gatherTick ?? false,
      retryAlone: options.retryAlone ?? (() => false),
    });
  }

  /** Resolves with the item's own result, or rejects with its batch's error (or, retried alone, its own). */
  submit(item: Item): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** Resolves once every item submitted so far (and any submitted meanwhile) is answered. */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    try {
      if (this.options.gatherTick) await Promise.resolve();
      while (this.waiting.length > 0) {
        await this.sendBatch(this.waiting.splice(0, this.options.maxBatch));
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async sendBatch(batch: Array<Pending<Item, Result>>): Promise<void> {
    try {
      const results = await this.options.send(batch.map((pending) => pending.item));
      batch.forEach((pending, i) => pending.resolve(results[i] as Result));
    } catch (error) {
      if (batch.length === 1 || !this.options.retryAlone(error)) {
        for (const pending of batch) pending.reject(error);
        return;
      }
      await Promise.all(batch.map((pending) => this.sendBatch([pending])));
    }
  }
}
