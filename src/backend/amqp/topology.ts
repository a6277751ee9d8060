// RabbitMQ names and declarations as data: re-declared idempotently after every reconnect.

/** Names of everything Warren declares, derived from one prefix. */
export interface TopologyNames {
  /** Durable topic exchange for jobs; routing key = queue name. */
  jobsExchange: string;
  /** Durable topic exchange for dead letters; routing key = queue name. */
  deadLetterExchange: string;
  /** Durable topic exchange for events and control messages; routing key = `<queue>.<event>`. */
  eventsExchange: string;
  /** The durable queue holding one Warren queue's job messages. */
  jobQueue(queue: string): string;
  /** The dead-letter queue of one Warren queue. */
  deadLetterQueue(queue: string): string;
  /** Durable fanout exchange: the jobs exchange's alternate exchange, for messages no job queue is bound for. */
  unroutedExchange: string;
  /** Durable queue holding those messages (routing key kept) until their Warren queue is declared. */
  holdingQueue: string;
  /** Exclusive, auto-deleted queue whose existence means one process is draining the holding queue. */
  holdingDrainLock: string;
}

/** Names under `prefix` (default `warren`): `warren.jobs`, `warren.q.email`, `warren.dlq.email`, … */
export function topologyNames(prefix: string): TopologyNames {
  return {
    jobsExchange: `${prefix}.jobs`,
    deadLetterExchange: `${prefix}.dlx`,
    eventsExchange: `${prefix}.events`,
    jobQueue: (queue) => `${prefix}.q.${queue}`,
    deadLetterQueue: (queue) => `${prefix}.dlq.${queue}`,
    unroutedExchange: `${prefix}.unrouted`,
    holdingQueue: `${prefix}.unrouted`,
    holdingDrainLock: `${prefix}.unrouted.drain-lock`,
  };
}

/** Routing key of a due notice for `queue` (or a binding for a queue pattern) on the events exchange. */
export function dueRoutingKey(queueOrPattern: string): string {
  return `due.${queueOrPattern}`;
}

/**
 * Arguments of the holding queue, whatever the job queues' type: classic, because a requeued message goes back to
 * its place (the drain keeps messages it cannot deliver yet in order that way), and because a quorum queue's
 * delivery limit would drop a message that waits through many drains. Foreign producers that declare the
 * topology themselves must use exactly these (docs/reference/wire-format.md).
 */
export const HOLDING_QUEUE_ARGUMENTS = { "x-queue-type": "classic" } as const;

/** The queue types job queues can have: `classic` (with priorities) or `quorum` (replicated). */
export const AMQP_QUEUE_TYPES = ["classic", "quorum"] as const;

/** Queue type of the job queues. */
export type AmqpQueueType = (typeof AMQP_QUEUE_TYPES)[number];

/** Highest AMQP priority used: Warren priority 1 maps to 10, priority 10 to 1. */
export const AMQP_MAX_PRIORITY = 10;

/** Warren priority (1 most urgent … 10) → AMQP priority (10 highest … 1). */
export function amqpPriority(priority: number): number {
  return AMQP_MAX_PRIORITY + 1 - priority;
}

/** Arguments for a job queue of the given type. */
export function jobQueueArguments(
  names: TopologyNames,
  queue: string,
  type: AmqpQueueType,
  deliveryLimit: number,
): Record<string, unknown> {
  const common = {
    "x-dead-letter-exchange": names.deadLetterExchange,
    "x-dead-letter-routing-key": queue,
  };
  // Quorum queues on 3.10 have no priorities; they get a delivery limit instead.
  return type === "quorum"
    ? { ...common, "x-queue-type": "quorum", "x-delivery-limit": deliveryLimit }
    : { ...common, "x-queue-type": "classic", "x-max-priority": AMQP_MAX_PRIORITY };
}
