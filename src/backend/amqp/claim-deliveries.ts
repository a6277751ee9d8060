// Turns a batch of deliveries into claimed jobs: parse the envelope, adopt foreign jobs, claim in the store,
// then ack — once the store durably holds the job active under a lease. Bad messages are dead-lettered.
import { uuidv7 } from "../../core/ids.js";
import { buildJobRecord } from "../../model/build-record.js";
import { traceContextFrom } from "../../tracing/trace-context.js";
import type { JobStore } from "../job-store.js";
import type { FetchRequest, JobRecord, NewJobRecord } from "../records.js";
import type { ConsumerGroup, Delivery } from "./consumer-group.js";
import type { Logger } from "../../logging/logger.js";
import { DEAD_LETTERED_AT_HEADER } from "./dead-letter-message.js";
import { parseEnvelope, type JobEnvelope } from "./envelope.js";
import { WARREN_HEADER, type Publisher } from "./publisher.js";

/**
 * No payload limit on an adopted job: the broker already bounds a message's size, and a queue's maxPayloadBytes
 * is a producer's option that this consumer never sees.
 */
const ADOPTED_MAX_PAYLOAD_BYTES = Number.POSITIVE_INFINITY;

/** What claiming needs from the backend. */
export interface ClaimContext {
  store: JobStore;
  publisher: Publisher;
  group: ConsumerGroup;
  onError: (error: unknown) => void;
  logger: Logger;
}

/** Claims the jobs named by `deliveries`; returns the ones now active for this worker. */
export async function claimDeliveries(
  ctx: ClaimContext,
  deliveries: Delivery[],
  request: FetchRequest,
): Promise<JobRecord[]> {
  // Deliveries not yet acked, dead-lettered, held back or handed back: on a store failure they go back to the
  // broker at once instead of sitting unacked on the channel, holding prefetch slots.
  const unsettled = new Set(deliveries);
  const claimed: JobRecord[] = [];
  try {
    const byQueue = new Map<string, Array<{ delivery: Delivery; id: string }>>();
    for (const delivery of deliveries) {
      const parsed = parseEnvelope(delivery.message.content);
      if (!parsed.ok) {
        unsettled.delete(delivery);
        await deadLetter(ctx, delivery, `malformed message: ${parsed.reason}`);
        continue;
      }
      const id = await resolveId(ctx, delivery, parsed.envelope);
      if (id === undefined) {
        unsettled.delete(delivery);
        continue;
      }
      const list = byQueue.get(delivery.queue) ?? [];
      list.push({ delivery, id });
      byQueue.set(delivery.queue, list);
    }
    for (const [queue, items] of byQueue) {
      const results = await ctx.store.claimJobs({
        queue,
        ids: items.map((item) => item.id),
        workerId: request.workerId,
        lockMs: request.lockMs,
        maxStalledCount: request.maxStalledCount,
        limiter: request.limiter,
        groupLimits: request.groupLimits,
      });
      // Acked together once the store holds the claims: one `multiple` ack where the tags allow.
      const acks: Delivery[] = [];
      for (const [index, result] of results.entries()) {
        const { delivery } = items[index]!;
        unsettled.delete(delivery);
        switch (result.status) {
          case "claimed":
            claimed.push(result.record);
            acks.push(delivery);
            break;
          case "gone":
          case "not-ready":
          // Expired now: the store signals the dead letter, as it does for every job that ends expired.
          case "expired":
            acks.push(delivery);
            break;
          case "paused":
            ctx.group.requeue(delivery);
            await ctx.group.pauseQueue(queue);
            break;
          case "limited":
            ctx.group.holdBack(delivery, result.retryAt);
            break;
        }
      }
      ctx.group.ackAll(acks);
    }
    return claimed;
  } catch (error) {
    for (const delivery of unsettled) ctx.group.requeue(delivery);
    // Jobs already claimed are this worker's now: run them, and report the failure instead of losing them.
    if (claimed.length === 0) throw error;
    ctx.onError(error);
    return claimed;
  }
}

/**
 * The store id for a delivery. A message from another program (no Warren header) whose job the store does not
 * know is adopted: stored as a new job first, so it gets leases, retries and events like any other.
 */
async function resolveId(
  ctx: ClaimContext,
  delivery: Delivery,
  envelope: JobEnvelope,
): Promise<string | undefined> {
  const fromWarren = delivery.message.properties.headers?.[WARREN_HEADER] !== undefined;
  const messageId = delivery.message.properties.messageId as string | undefined;
  const id = envelope.id ?? messageId ?? uuidv7(ctx.store.clock.now());
  if (fromWarren || (await ctx.store.getJob(delivery.queue, id))) return id;
  try {
    const record = adoptedRecord(delivery.queue, id, envelope, ctx.store.clock.now());
    // The foreign producer's trace, when its message carries one: the job's tries join it.
    const headers = delivery.message.properties.headers;
    record.trace = traceContextFrom(headers?.["traceparent"], headers?.["tracestate"]);
    await ctx.store.enqueue([record]);
    return id;
  } catch (error) {
    await deadLetter(ctx, delivery, `invalid job in message: ${(error as Error).message}`);
    return undefined;
  }
}

/** The job a foreign message asks for, built as Queue.add builds one, under the id already settled for it. */
function adoptedRecord(queue: string, id: string, envelope: JobEnvelope, now: number): NewJobRecord {
  const context = {
    queueName: queue,
    defaults: {},
    maxPayloadBytes: ADOPTED_MAX_PAYLOAD_BYTES,
    now,
    optionsLabel: "message opts",
  };
  return buildJobRecord(context, envelope.name, envelope.data ?? null, envelope.opts ?? {}, id);
}

async function deadLetter(ctx: ClaimContext, delivery: Delivery, reason: string): Promise<void> {
  try {
    await ctx.publisher.publishDeadLetter(delivery.queue, delivery.message.content, reason, {
      "x-warren-original-message-id": delivery.message.properties.messageId as string | undefined,
      [DEAD_LETTERED_AT_HEADER]: ctx.store.clock.now(),
    });
    ctx.group.ack(delivery);
    // A message no Warren producer could have sent: someone's bug, worth a warning each time.
    ctx.logger.warn(
      { queue: delivery.queue, messageId: delivery.message.properties.messageId as unknown, reason },
      "message moved to the dead-letter queue",
    );
  } catch (error) {
    // Not dead-lettered: hand it back so it is neither lost nor acked.
    ctx.onError(error);
    ctx.group.requeue(delivery);
  }
}
