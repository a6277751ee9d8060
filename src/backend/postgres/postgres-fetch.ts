// The PostgreSQL backend's delivery: claim ready jobs (FOR UPDATE SKIP LOCKED, the common case in one
// autocommitted statement), and when there are none, wait until a NOTIFY says a queue may have work, the
// earliest due time arrives, or a safety poll (NOTIFY is the wake-up, not the correctness path).
import type { Clock } from "../../core/clock.js";
import { isTopicPattern, matchesTopic } from "../../core/topic-pattern.js";
import type { FetchRequest, JobRecord } from "../records.js";
import type { NotifyListener } from "./notify-listener.js";
import type { PgTx } from "./pg-tx.js";
import { claimFast, claimReady } from "./postgres-operations.js";

/** The longest a fetch waits without a NOTIFY: a safety net for a missed one, not the wake-up. */
const SAFETY_POLL_MS = 5_000;

/** What the fetcher needs from its backend. */
export interface PostgresFetchContext {
  clock: Clock;
  listener: NotifyListener;
  ready(): Promise<unknown>;
  assertOpen(): void;
  listQueues(): Promise<string[]>;
  tx<T>(work: (tx: PgTx) => Promise<T>, options?: { atomic?: boolean }): Promise<T>;
}

/** Claims jobs for workers, waiting on NOTIFY between claims. */
export class PostgresFetcher {
  constructor(private readonly ctx: PostgresFetchContext) {}

  async fetch(request: FetchRequest): Promise<JobRecord[]> {
    const { ctx } = this;
    await ctx.ready();
    await ctx.listener.ensureListening();
    const deadline = Date.now() + request.blockMs;
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
        const { claimed, wakeAt } = await this.claim(queues, request);
        if (claimed.length > 0) return claimed;
        const left = deadline - Date.now();
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

  /** Claims over `queues` until `max`; the earliest time something becomes due if none were claimed. */
  private async claim(
    queues: string[],
    request: FetchRequest,
  ): Promise<{ claimed: JobRecord[]; wakeAt: number }> {
    const claimed: JobRecord[] = [];
    let wakeAt = Infinity;
    for (const queue of queues) {
      const max = request.max - claimed.length;
      if (request.limiter === undefined) {
        const fast = await this.ctx.tx((tx) => claimFast(tx, queue, request, max), { atomic: false });
        if (fast.length > 0) {
          claimed.push(...fast);
          if (claimed.length >= request.max) break;
          continue;
        }
      }
      const result = await this.ctx.tx((tx) => claimReady(tx, queue, request, max));
      claimed.push(...result.claimed);
      wakeAt = Math.min(wakeAt, result.wakeAt ?? Infinity);
      if (claimed.length >= request.max) break;
    }
    return { claimed, wakeAt };
  }

  private async resolveQueues(patterns: string[]): Promise<string[]> {
    if (!patterns.some(isTopicPattern)) return patterns;
    const all = await this.ctx.listQueues();
    return all.filter((queue) => patterns.some((pattern) => matchesTopic(pattern, queue)));
  }
}
