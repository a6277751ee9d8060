// Warren's public API. This file decides what is public; everything else is internal.

// Handles
export { Queue, type AddAndWaitOptions, type BulkJob, type SearchJobsResult } from "./queue/queue.js";
export type { SearchOptions } from "./queue/search-options.js";
export { FlowProducer, type FlowJob, type FlowProducerOptions, type JobNode } from "./flows/flow-producer.js";
export type { ScheduleOptions, SchedulePattern } from "./schedules/schedule-options.js";
export type { ScheduleInfo } from "./schedules/schedule-info.js";
export type { QueueOptions } from "./queue/queue-options.js";
export type { DeadLetter, ReplayOptions, ReplaySelection } from "./queue/dead-letters.js";
export type { JobOptions, BackoffOptions } from "./model/job-options.js";
export { Job, type JobProgress } from "./job/job.js";
export { JOB_STATES, TERMINAL_STATES, isTerminalState, type JobState } from "./model/job-state.js";
export { Worker } from "./worker/worker.js";
export type { WorkerOptions } from "./worker/worker-options.js";
export type { WorkerHealth } from "./worker/worker-health.js";
export type { WorkerEventMap } from "./worker/worker-events.js";
export type { Processor, ProcessorContext } from "./worker/run-attempt.js";
export { QueueEvents, type QueueEventsOptions } from "./events/queue-events.js";
export {
  EventBus,
  type EventBusOptions,
  type EventBusEventMap,
  type BusMessage,
  type Subscription,
} from "./events/event-bus.js";
export type { QueueEvent, QueueEventsEventMap } from "./events/event-map.js";
export type { BackoffStrategy } from "./model/backoff.js";

// Backends
export { createBackend, DEFAULT_BACKEND_URL, type CreateBackendOptions } from "./backend/create-backend.js";
export type { Backend, CancelResult } from "./backend/contract.js";
export type { BackendCapabilities } from "./backend/capabilities.js";
export type * from "./backend/records.js";
export type * from "./backend/dead-letter-records.js";
export { QUEUE_EVENT_NAMES } from "./backend/records.js";
export type { JobStore, ClaimRequest, ClaimResult, OutboxEntry } from "./backend/job-store.js";
export { MemoryBackend, MemoryStore, type MemoryBackendOptions } from "./backend/memory/index.js";
export {
  RedisBackend,
  RedisStore,
  type RedisBackendOptions,
  type RedisClusterOptions,
} from "./backend/redis/index.js";
export { PostgresBackend, PostgresStore, type PostgresBackendOptions } from "./backend/postgres/index.js";
export {
  AmqpBackend,
  ENVELOPE_VERSION,
  type AmqpBackendOptions,
  type AmqpQueueType,
  type JobEnvelope,
} from "./backend/amqp/index.js";

// Tasks
export {
  defineTask,
  runTasks,
  setDefaultBackend,
  Task,
  type TaskContext,
  type TaskHandler,
  type TaskWorkers,
} from "./tasks/index.js";

// Locks
export { Lock, acquireLock, type LockOptions, type LockPrimitives } from "./locks/lock.js";

// Time
export { systemClock, type Clock } from "./core/clock.js";
export * from "./logging/index.js";

// Errors
export * from "./errors/index.js";
