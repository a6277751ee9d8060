// Waits for a job's terminal state through the event stream, with a state check to close the subscribe race.
import type { Backend } from "../backend/contract.js";
import type { JobRecord, QueueEventRecord } from "../backend/records.js";
import { parseJson } from "../core/serializer.js";
import { JobFailedError, jobNotFound, NotFoundError, TimeoutError } from "../errors/warren-error.js";

/** Settles from a terminal record: the parsed return value, or a JobFailedError. */
export function outcomeOf(record: JobRecord): { done: true; value: unknown } | { done: false } {
  switch (record.state) {
    case "completed":
      return { done: true, value: parseJson(record.returnValue) };
    case "failed":
    case "cancelled":
    case "expired":
      throw new JobFailedError(record.id, record.state, record.failedReason ?? record.state);
    case "waiting":
    case "delayed":
    case "waiting-children":
    case "active":
      return { done: false };
  }
}

/**
 * Resolves with the job's return value once it completes; rejects with JobFailedError when it ends failed,
 * cancelled or expired, NotFoundError when it is removed, TimeoutError after `timeout` ms.
 */
export async function waitUntilFinished(
  backend: Backend,
  queue: string,
  id: string,
  timeout: number | undefined,
): Promise<unknown> {
  let settle!: { resolve: (value: unknown) => void; reject: (error: unknown) => void };
  const finished = new Promise<unknown>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // The event may settle this before we await it (while the state is read): that is not an unhandled rejection.
  finished.catch(() => undefined);
  const onEvent = (event: QueueEventRecord): void => {
    if (event.jobId !== id) return;
    switch (event.event) {
      case "completed":
        if (event.truncated) {
          backend
            .getJob(queue, id)
            .then((record) => settle.resolve(parseJson(record?.returnValue)), settle.reject);
        } else {
          settle.resolve(parseJson(event.value));
        }
        break;
      case "failed":
      case "cancelled":
      case "expired":
        settle.reject(new JobFailedError(id, event.event, event.failedReason ?? event.event));
        break;
      case "removed":
        settle.reject(new NotFoundError(`job ${id} in queue "${queue}" was removed before it finished`));
        break;
      default:
        break;
    }
  };
  const unsubscribe = await backend.subscribe(queue, onEvent);
  let timer: NodeJS.Timeout | undefined;
  try {
    // The job may have finished before the subscription started: read its state once now.
    const record = await backend.getJob(queue, id);
    if (!record) throw jobNotFound(queue, id);
    const current = outcomeOf(record);
    if (current.done) return current.value;
    if (timeout !== undefined) {
      timer = setTimeout(
        () => settle.reject(new TimeoutError(`job ${id} did not finish within ${timeout} ms`)),
        timeout,
      );
    }
    return await finished;
  } finally {
    if (timer) clearTimeout(timer);
    await unsubscribe();
  }
}
