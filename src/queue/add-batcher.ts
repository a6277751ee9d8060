// Coalesces concurrent `queue.add` calls into batched `enqueue` calls: one in flight, the next batch forming
// behind it. A producer with many adds in flight then pays one round-trip (one transaction on PostgreSQL) per
// batch instead of one per job. A lone add still goes out at once.
import type { Backend } from "../backend/contract.js";
import type { EnqueueResult, NewJobRecord } from "../backend/records.js";
import { ValidationError } from "../errors/warren-error.js";

/** Largest batch one enqueue call carries. */
const MAX_BATCH = 1_000;

interface Pending {
  record: NewJobRecord;
  resolve: (result: EnqueueResult) => void;
  reject: (error: unknown) => void;
}

/** Submits single records; each resolves with its own result once its batch is stored. */
export class AddBatcher {
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;

  constructor(private readonly backend: () => Backend) {}

  submit(record: NewJobRecord): Promise<EnqueueResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        await this.send(batch);
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async send(batch: Pending[]): Promise<void> {
    try {
      const results = await this.backend().enqueue(batch.map((p) => p.record));
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1 || !(error instanceof ValidationError)) {
        for (const p of batch) p.reject(error);
        return;
      }
      // A batch is all-or-nothing, but these adds are independent: one job's bad dependency must not fail
      // the others, so each is tried on its own and gets its own answer.
      await Promise.all(batch.map((p) => this.send([p])));
    }
  }
}
