// The PostgreSQL store's own delivery: claim ready jobs in the store (FOR UPDATE SKIP LOCKED, the common case in
// one autocommitted statement), and when there are none, wait until a NOTIFY says a queue may have work, the
// earliest due time arrives, or a safety poll (NOTIFY is the wake-up, not the correctness path).
import { realTimeNow, type Clock } from "../../core/clock.js";
import { isTopicPattern, matchesTopic } from "../../core/topic-pattern.js";
import type { ReadyClaim, ReadyClaimRequest } from "../job-store.js";
import type { FetchRequest, JobRecord } from "../records.js";
import type { NotifyListener } from "./notify-listener.js";

/** The longest a fetch waits without a NOTIFY: a safety net for a missed one, not the wake-up. */
const SAFETY_POLL_MS = 5_000;

/** What the fetcher needs from its store. */
export interface PostgresFetchContext {
  clock: Clock;
  listener: NotifyListener;
  ready(): Promise<unknown>;
  assertOpen(): void;
  listQueues(): Promise<string[]>;
  claimReady(request: ReadyClaimRequest): Promise<ReadyClaim>;
}

/** Claims jobs for workers, waiting on NOTIFY between claims. */
export class PostgresFetcher {
  constructor(private readonly ctx: PostgresFetchContext) {}

  async fetch(request: FetchRequest): Promise<JobRecord[]> {
    const { ctx } = this;
    await ctx.ready();
    await ctx.listener.ensureListening();
    const deadline = realTimeNow() + request.blockMs;
    for (;;) {
      // A closed backend refuses, rather than answering "no work" at once: a caller looping on fetch would spin.
      ctx.assertOpen();
      if (request.signal.aborted) return [];
      const queues = await this.resolveQueues(request.queues);
      // Register before claiming, so a job that becomes ready in between still wakes us.
      let woken = false;
      let wake: () => void = () => (woken = true);
      const stop = ctx.listener.onReady((queue) => {
        if (queue === "*" || queues.includes(queue) || request.queues.some((p) => matchesTopic(p, queue)))
          wake();
      });
      try {
        const { jobs: claimed, wakeAt = Infinity } = await ctx.claimReady({ ...request, queues });
        if (claimed.length > 0) return claimed;
        const left = deadline - realTimeNow();
        if (left <= 0) return [];
        if (woken) continue;
        // An abort during the claims above fired no listener yet: without this check the wait below would
        // sleep its whole length (a worker's close took the 5 s safety poll).
        if (request.signal.aborted) return [];
        const wait = Math.max(1, Math.min(left, SAFETY_POLL_MS, wakeAt - ctx.clock.now()));
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, wait);
          function done(): void {
            clearTimeout(timer);
            request.signal.removeEventListener("abort", done);
            resolve();
          }
          wake = done;
          request.signal.addEventListener("abort", done, { once: true });
        });
      } finally {
        stop();
      }
    }
  }

  private async resolveQueues(patterns: string[]): Promise<string[]> {
    if (!patterns.some(isTopicPattern)) return patterns;
    const all = await this.ctx.listQueues();
    return all.filter((queue) => patterns.some((pattern) => matchesTopic(pattern, queue)));
  }
}
