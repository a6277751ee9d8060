// The memory store's own delivery: a fetch claims ready jobs in-process and parks on the store's waiters until
// a transition, the next due time or a limiter window wakes it. Nothing to publish, nothing to hold.
import { PullDelivery } from "../pull-delivery.js";
import type { FetchRequest, JobRecord } from "../records.js";
import { fetchJobs } from "./memory-fetch.js";
import type { MemoryStore } from "./memory-store.js";

/** In-process delivery over a {@link MemoryStore}. */
export class MemoryDelivery extends PullDelivery {
  constructor(private readonly store: MemoryStore) {
    super();
  }

  fetch(request: FetchRequest): Promise<JobRecord[]> {
    return fetchJobs(this.store.core, request);
  }

  /** Closing the store wakes every parked fetch, which then sees it closed. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
