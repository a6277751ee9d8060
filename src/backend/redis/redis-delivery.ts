// The Redis store's own delivery: a fetch claims in the store and blocks on the server between claims (see
// redis-fetch.ts). Its blocking connections are pooled here; scripts push the markers and due notices it
// waits on, so nothing has to be told after a store operation.
import { ClosedError } from "../../errors/warren-error.js";
import { PullDelivery } from "../pull-delivery.js";
import type { FetchRequest, JobRecord } from "../records.js";
import { BlockingPool } from "./blocking-pool.js";
import { RedisFetcher } from "./redis-fetch.js";
import type { RedisStore } from "./redis-store.js";

/** Blocking-pop delivery over a {@link RedisStore}. */
export class RedisDelivery extends PullDelivery {
  private readonly blocking: BlockingPool;
  private readonly fetcher: RedisFetcher;
  private closed = false;

  constructor(private readonly store: RedisStore) {
    super();
    this.blocking = new BlockingPool(store.client);
    this.fetcher = new RedisFetcher({
      client: store.client,
      keys: store.keys,
      clock: store.clock,
      blocking: this.blocking,
      due: store.due,
      claimReady: (request) => store.claimReady(request),
      assertOpen: () => this.assertOpen(),
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedError("the redis backend is closed; create a new one");
    this.store.assertOpen();
  }

  async fetch(request: FetchRequest): Promise<JobRecord[]> {
    const { guard } = this.store;
    if (!guard.open) await guard.ready();
    try {
      return await this.fetcher.fetch(request);
    } catch (error) {
      // close() cuts the blocking connections: whatever a fetch in flight then saw, the answer is "closed".
      this.assertOpen();
      throw guard.translate(error);
    }
  }

  close(): Promise<void> {
    this.closed = true;
    this.blocking.close();
    return Promise.resolve();
  }
}
