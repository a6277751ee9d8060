// The Redis store's own delivery: claim ready jobs (one script per queue, in the store), and when there are
// none, block on the queues' markers (BLPOP) until work is pushed, the earliest due time (delayed job, retry,
// schedule slot, limiter window) arrives, a due notice moves that time earlier, or blockMs passes. Never polls.
import type { RedisClient } from "./redis-client.js";
import { realTimeNow, type Clock } from "../../core/clock.js";
import { isTopicPattern, matchesTopic } from "../../core/topic-pattern.js";
import type { ReadyClaim, ReadyClaimRequest } from "../job-store.js";
import type { FetchRequest, JobRecord } from "../records.js";
import type { BlockingPool } from "./blocking-pool.js";
import type { DueNotices } from "./due-notices.js";
import type { RedisKeys } from "./keys.js";
import { sleepUnlessAborted } from "./redis-util.js";

/** What the fetcher needs from its store. */
export interface RedisFetchContext {
  client: RedisClient;
  keys: RedisKeys;
  clock: Clock;
  blocking: BlockingPool;
  due: DueNotices;
  claimReady(request: ReadyClaimRequest): Promise<ReadyClaim>;
  assertOpen(): void;
}

/** How long a topic pattern's list of matching queues is trusted (a new queue is also announced). */
const PATTERN_CACHE_MS = 1_000;

/** Claims jobs for workers, waiting on the server between claims. */
export class RedisFetcher {
  private readonly patternCache = new Map<string, { at: number; queues: string[] }>();

  constructor(private readonly ctx: RedisFetchContext) {}

  async fetch(request: FetchRequest): Promise<JobRecord[]> {
    const { ctx } = this;
    await ctx.due.ensureSubscribed();
    const deadline = realTimeNow() + request.blockMs;
    let known = new Set<string>();
    /** Earliest due time heard of since the current round of claims began. */
    let heard = Infinity;
    let blocked: { until: number; controller: AbortController } | undefined;
    const stopListening = ctx.due.listen((queue, dueAt) => {
      if (queue !== undefined && !request.queues.some((pattern) => matchesTopic(pattern, queue))) return;
      // A queue matching a pattern that this fetch does not know yet was just created.
      if (queue !== undefined && !known.has(queue)) this.patternCache.clear();
      heard = Math.min(heard, dueAt);
      if (blocked && (dueAt < blocked.until || queue === undefined || !known.has(queue))) {
        blocked.controller.abort();
      }
    });
    try {
      for (;;) {
        ctx.assertOpen();
        if (request.signal.aborted) return [];
        heard = Infinity;
        const queues = await this.resolveQueues(request.queues);
        known = new Set(queues);
        const { jobs: claimed, wakeAt = Infinity } = await ctx.claimReady({ ...request, queues });
        if (claimed.length > 0) return claimed;
        const left = deadline - realTimeNow();
        if (left <= 0) return [];
        const wait = Math.max(1, Math.min(left, Math.min(wakeAt, heard) - ctx.clock.now()));
        const controller = new AbortController();
        blocked = { until: ctx.clock.now() + wait, controller };
        // Redis checks blocked clients' timeouts only on its `hz` tick (100 ms by default): a due time is
        // met by a local timer that unblocks the wait, and the server timeout is kept for blockMs alone.
        const dueTimer = wait < left ? setTimeout(() => controller.abort(), wait) : undefined;
        const signal = AbortSignal.any([request.signal, controller.signal]);
        try {
          if (queues.length === 0) await sleepUnlessAborted(Math.min(wait, PATTERN_CACHE_MS), signal);
          else
            await ctx.blocking.waitForMarker(
              queues.map((queue) => ctx.keys.marker(queue)),
              left,
              signal,
            );
        } finally {
          clearTimeout(dueTimer);
          blocked = undefined;
        }
      }
    } finally {
      stopListening();
    }
  }

  private async resolveQueues(patterns: string[]): Promise<string[]> {
    const queues = new Set<string>();
    for (const pattern of patterns) {
      if (!isTopicPattern(pattern)) {
        queues.add(pattern);
        continue;
      }
      let cached = this.patternCache.get(pattern);
      if (!cached || realTimeNow() - cached.at > PATTERN_CACHE_MS) {
        const all = await this.ctx.client.smembers(this.ctx.keys.registry);
        cached = { at: realTimeNow(), queues: all.filter((queue) => matchesTopic(pattern, queue)).sort() };
        this.patternCache.set(pattern, cached);
      }
      for (const queue of cached.queues) queues.add(queue);
    }
    return [...queues];
  }
}
