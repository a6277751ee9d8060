// The PostgreSQL store's own delivery: a fetch claims in the store and waits on LISTEN between claims (see
// postgres-fetch.ts). Every transaction NOTIFYs what it made ready, so nothing has to be told after it.
import { ClosedError } from "../../errors/warren-error.js";
import { PullDelivery } from "../pull-delivery.js";
import type { FetchRequest, JobRecord } from "../records.js";
import { PostgresFetcher } from "./postgres-fetch.js";
import type { PostgresStore } from "./postgres-store.js";

/** LISTEN/NOTIFY delivery over a {@link PostgresStore}. */
export class PostgresDelivery extends PullDelivery {
  private readonly fetcher: PostgresFetcher;
  private closed = false;

  constructor(store: PostgresStore) {
    super();
    this.fetcher = new PostgresFetcher({
      clock: store.clock,
      listener: store.listener,
      ready: () => store.ready(),
      assertOpen: () => {
        if (this.closed) throw new ClosedError("the postgres backend is closed; create a new one");
        store.assertOpen();
      },
      listQueues: () => store.listQueues(),
      claimReady: (request) => store.claimReady(request),
    });
  }

  fetch(request: FetchRequest): Promise<JobRecord[]> {
    return this.fetcher.fetch(request);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
