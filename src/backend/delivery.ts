// The delivery half of a backend: how ready work reaches a worker and how a waiting worker is woken. A store's
// own engine delivers by pulling (Redis blocking pop on markers, PostgreSQL SKIP LOCKED + LISTEN/NOTIFY, an
// in-process wait for memory); a transport delivers by message (RabbitMQ consume, fed by the store's outbox).
import type { Logger } from "../logging/logger.js";
import type { BackendCapabilities } from "./capabilities.js";
import type { TransportDeadLetters } from "./dead-letter-records.js";
import type {
  EnqueueResult,
  FetchRequest,
  FinishStatus,
  JobRecord,
  Outcome,
  QueueEventRecord,
} from "./records.js";

/** A change the store made that a delivery may have to act on (publish, arm a timer, pause consumers). */
export type StoreChange =
  /**
   * New jobs were stored (created or found); with `outboxLeasedUntil` (see Delivery.outboxLeaseMs) the new
   * waiting ones are in the outbox under that lease, for this delivery to publish and ack.
   */
  | { kind: "enqueued"; results: EnqueueResult[]; outboxLeasedUntil?: number | undefined }
  /** Tries were recorded, one status per outcome. */
  | { kind: "finished"; outcomes: Outcome[]; statuses: FinishStatus[] }
  /** A schedule's pending slot job is due at `dueAt` (undefined: no slot pending, the schedule is paused). */
  | { kind: "slot"; queue: string; dueAt: number | undefined }
  /** An operator made a job of `queue` ready (retry, promote). */
  | { kind: "readied"; queue: string }
  | { kind: "paused"; queue: string }
  | { kind: "resumed"; queue: string }
  /** Every trace of `queue` was removed from the store. */
  | { kind: "obliterated"; queue: string };

/** What a delivery decides about the composed backend (the store decides `crossProcess`). */
export type DeliveryCapabilities = Omit<BackendCapabilities, "crossProcess">;

/**
 * How ready jobs reach workers. A delivery is built over one JobStore and composed with it by
 * ComposedBackend, which calls the store first and then tells the delivery what changed.
 */
export interface Delivery {
  /** A transport's name, prefixed to the store's in the backend's kind (`amqp` → `amqp+redis`). */
  readonly transport: string | undefined;
  readonly capabilities: DeliveryCapabilities;
  /** A transport's `messaging.system` (`rabbitmq`): it names the backend's instead of the store's. */
  readonly messagingSystem?: string | undefined;
  /** A transport's own logger; the backend logs through it (else through the store's). */
  readonly logger?: Logger;
  /** A transport's own dead-letter queue, listed, replayed and purged beside the store's letters. */
  readonly deadLetters?: TransportDeadLetters | undefined;
  /** See Backend.fetch: claims ready jobs, waiting (never polling) until there are some or blockMs passes. */
  fetch(request: FetchRequest): Promise<JobRecord[]>;
  /** See Backend.releaseWorker. */
  releaseWorker(workerId: string): Promise<void>;
  /** Resolves when new jobs can be stored for delivery; rejects when they could never be delivered. */
  beforeEnqueue(): Promise<void>;
  /**
   * A transport that publishes an add's jobs itself: the store writes their outbox entries leased for this
   * long (ms), and `changed({ kind: "enqueued" })` names the lease. Undefined: the store signals them.
   */
  readonly outboxLeaseMs?: number | undefined;
  /** The store changed what is ready, due or paused. Resolves once the change is delivered (or handed over). */
  changed(change: StoreChange): Promise<void>;
  /** The delivery's share of a maintenance pass, after the store's (a transport republishes what it lost). */
  maintain(queue: string, now: number): Promise<void>;
  /** An event of a subscribed queue, from any process (pause and resume reach this process's consumers). */
  observe(event: QueueEventRecord): void;
  /** Resolves when the delivery can serve, after the store's ping. */
  ping(): Promise<void>;
  /** Stops fetches and timers and releases connections; the store is closed after it. Idempotent. */
  close(): Promise<void>;
}
