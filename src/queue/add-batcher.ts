// Coalesces concurrent `queue.add` calls into batched `enqueue` calls: one in flight, the next batch forming
// behind it. A producer with many adds in flight then pays one round-trip (one transaction on PostgreSQL) per
// batch instead of one per job. A lone add still goes out at once.
import type { Backend } from "../backend/contract.js";
import type { EnqueueResult, NewJobRecord } from "../backend/records.js";
import { MicroBatcher } from "../core/micro-batcher.js";
import { ValidationError } from "../errors/warren-error.js";
import type { Logger } from "../logging/logger.js";

/** Largest batch one enqueue call carries. */
const MAX_BATCH = 1_000;

/** Submits single records; each resolves with its own result once its batch is stored. */
export class AddBatcher {
  private readonly batcher: MicroBatcher<NewJobRecord, EnqueueResult>;

  /** `backend` is read at every send: once the queue is closed its getter throws, and those adds reject with it. */
  constructor(backend: () => Backend, logger: Logger) {
    this.batcher = new MicroBatcher({
      send: async (records) => {
        const results = await backend().enqueue(records);
        logger.debug({ jobs: records.length }, "jobs stored");
        return results;
      },
      maxBatch: MAX_BATCH,
      // A batch is all-or-nothing, but these adds are independent: one job's bad dependency must not fail
      // the others, so each is tried on its own and gets its own answer.
      retryAlone: (error) => error instanceof ValidationError,
    });
  }

  submit(record: NewJobRecord): Promise<EnqueueResult> {
    return this.batcher.submit(record);
  }
}
