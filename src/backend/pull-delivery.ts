// What every store's own delivery shares: it pulls ready jobs with the store's claim and waits on wake-ups
// the store's transitions push themselves (waiters, markers, NOTIFY), so it has nothing to be told after a
// store operation, nothing to add to maintenance and nothing to hold per worker.
import type { Delivery, DeliveryCapabilities } from "./delivery.js";
import type { FetchRequest, JobRecord } from "./records.js";

/** The base of MemoryDelivery, RedisDelivery and PostgresDelivery. */
export abstract class PullDelivery implements Delivery {
  readonly transport = undefined;
  readonly capabilities: DeliveryCapabilities = Object.freeze({
    topicWildcards: true,
    nativeDeadLetter: false,
    blockingFetch: true,
    roundRobinGroups: true,
  });

  abstract fetch(request: FetchRequest): Promise<JobRecord[]>;

  /** A parked fetch of the worker was already woken by its abort signal; nothing else is held per worker. */
  releaseWorker(_workerId: string): Promise<void> {
    return Promise.resolve();
  }

  beforeEnqueue(): Promise<void> {
    return Promise.resolve();
  }

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

  abstract close(): Promise<void>;
}
