// The memory store's own delivery: a fetch claims ready jobs in-process and parks on the store's waiters until
// a transition, the next due time or a limiter window wakes it. Nothing to publish, nothing to hold.
import type { Delivery, DeliveryCapabilities } from "../delivery.js";
import type { FetchRequest, JobRecord } from "../records.js";
import { fetchJobs } from "./memory-fetch.js";
import type { MemoryStore } from "./memory-store.js";

/** In-process delivery over a {@link MemoryStore}. */
export class MemoryDelivery implements Delivery {
  readonly transport = undefined;
  readonly capabilities: DeliveryCapabilities = Object.freeze({
    topicWildcards: true,
    nativeDeadLetter: false,
    blockingFetch: true,
    roundRobinGroups: true,
  });

  constructor(private readonly store: MemoryStore) {}

  fetch(request: FetchRequest): Promise<JobRecord[]> {
    return fetchJobs(this.store.core, request);
  }

  releaseWorker(_workerId: string): Promise<void> {
    // A parked fetch of this worker was already woken by its abort signal; nothing else is held.
    return Promise.resolve();
  }

  beforeEnqueue(): Promise<void> {
    return Promise.resolve();
  }

  /** The store wakes parked fetches itself on every transition. */
  changed(): Promise<void> {
    return Promise.resolve();
  }

  maintain(): Promise<void> {
    return Promise.resolve();
  }

  observe(): void {}

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
