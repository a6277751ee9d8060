// The memory store's dead-letter replay: synchronous, so it is atomic by construction.
import type { JobRecord } from "../records.js";
import type { MemoryCore } from "./memory-core.js";
import { retryJob } from "./memory-admin.js";

/** A failed or expired job back to waiting with a fresh attempt budget; undefined when it is neither. */
export function replayDeadLetter(core: MemoryCore, queueName: string, id: string): JobRecord | undefined {
  core.assertOpen();
  const state = core.queues.get(queueName)?.jobs.get(id)?.state;
  if (state !== "failed" && state !== "expired") return undefined;
  return retryJob(core, queueName, id);
}
