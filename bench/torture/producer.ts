// The producer: plays the plan's steps at their times through the public API (addBulk, FlowProducer.add,
// cancel, remove, promote, schedule), retrying each step while the backend is unreachable, and records when
// each call was made, which the model needs for due times.
import {
  ConflictError,
  ValidationError,
  type FlowJob,
  type FlowProducer,
  type JobOptions,
  type Queue,
} from "../../src/index.js";
import type { Plan, PlannedAction, PlannedJob, PlannedUnit, QueueRole } from "./plan-types.js";
import type { TortureJobData } from "./worker-host.js";

/** What the producer did, for the checker. */
export interface ProducerLog {
  /** Per job id: the job's createdAt as stored (due times derive from it). */
  createdAt: Map<string, number>;
  /** Per held job id: when its action was called, and what it answered. */
  actions: Map<string, { kind: PlannedAction["kind"]; calledAt: number; result: string }>;
  /**
   * Per schedule key: when `schedule()` was called. Slots before it cannot fire (a schedule starts at the
   * first slot after its creation), which matters when the worker processes booted slowly.
   */
  scheduledAt: Map<string, number>;
  /** Steps that never succeeded (each one a violation: the job may not exist). */
  failures: string[];
  /** When the producer finished its last step. */
  doneAt: number;
}

/** The handles the producer drives. */
export interface ProducerHandles {
  queues: Record<QueueRole, Queue<TortureJobData>>;
  flows: FlowProducer;
}

const STEP_PATIENCE_MS = 60_000;
const STEP_RETRY_MS = 250;
const SCHEDULED_BEHAVIOUR = { runMs: 5, failThrough: 0 };

/** Creates the schedules, then runs every step at its time. Resolves when the last step is done. */
export async function runProducer(
  plan: Plan,
  handles: ProducerHandles,
  startedAt: number,
): Promise<ProducerLog> {
  const log: ProducerLog = {
    createdAt: new Map(),
    actions: new Map(),
    scheduledAt: new Map(),
    failures: [],
    doneAt: 0,
  };
  for (const schedule of plan.schedules) {
    log.scheduledAt.set(schedule.key, Date.now());
    await step(log, `schedule ${schedule.key}`, () =>
      handles.queues.main.schedule(
        schedule.key,
        { every: schedule.every },
        {
          name: "slot",
          data: { behaviour: SCHEDULED_BEHAVIOUR },
          startDate: startedAt + schedule.startAt,
          endDate: startedAt + schedule.endAt,
        },
      ),
    );
  }
  type Step = { at: number; unit?: PlannedUnit; action?: PlannedAction };
  const steps: Step[] = [
    ...plan.units.map((unit) => ({ at: unit.at, unit })),
    ...plan.actions.map((action) => ({ at: action.at, action })),
  ];
  steps.sort((a, b) => a.at - b.at);
  for (const next of steps) {
    const wait = startedAt + next.at - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (next.unit) await addUnit(plan, handles, next.unit, log);
    if (next.action) await act(plan, handles, next.action, log);
  }
  log.doneAt = Date.now();
  return log;
}

async function addUnit(
  plan: Plan,
  handles: ProducerHandles,
  unit: PlannedUnit,
  log: ProducerLog,
): Promise<void> {
  if (unit.kind === "bulk") {
    const jobs = unit.jobs.map((id) => plan.jobs.get(id)!);
    const added = await step(log, `add ${unit.jobs.join(",")}`, () =>
      handles.queues[unit.queue].addBulk(
        jobs.map((job) => ({
          name: job.kind,
          data: { behaviour: job.behaviour },
          opts: jobOptions(plan, handles, job),
        })),
      ),
    );
    for (const job of added ?? []) log.createdAt.set(job.id, job.createdAt);
    return;
  }
  const parent = plan.jobs.get(unit.parent)!;
  const node = (job: PlannedJob): FlowJob => ({
    name: job.kind,
    queueName: handles.queues[job.queue].name,
    data: { behaviour: job.behaviour },
    opts: jobOptions(plan, handles, { ...job, dependsOn: [] }),
  });
  const added = await step(log, `flow ${unit.parent}`, () =>
    handles.flows.add({ ...node(parent), children: unit.children.map((id) => node(plan.jobs.get(id)!)) }),
  );
  for (const entry of added ? [added, ...(added.children ?? [])] : [])
    log.createdAt.set(entry.job.id, entry.job.createdAt);
}

async function act(
  plan: Plan,
  handles: ProducerHandles,
  action: PlannedAction,
  log: ProducerLog,
): Promise<void> {
  const queue = handles.queues[plan.jobs.get(action.target)!.queue];
  const calledAt = Date.now();
  const result = await step(log, `${action.kind} ${action.target}`, async () => {
    switch (action.kind) {
      case "cancel":
        return queue.cancel(action.target, "cancelled by the torture plan");
      case "remove":
        return String(await queue.remove(action.target));
      case "promote":
        try {
          return (await queue.promote(action.target)).state;
        } catch (error) {
          // A retry after a promote whose reply was lost finds the job no longer delayed.
          if (error instanceof ConflictError) return `conflict: ${error.message}`;
          throw error;
        }
    }
  });
  log.actions.set(action.target, { kind: action.kind, calledAt, result: result ?? "never succeeded" });
}

/** The job's options as Warren takes them; dependencies are qualified with their queue's real name. */
function jobOptions(plan: Plan, handles: ProducerHandles, job: PlannedJob): JobOptions {
  const { attempts, backoff, delay, priority, ttl, removeOnComplete, ignoreDependencyOnFailure } = job.opts;
  const dependsOn = job.dependsOn.map((id) => `${handles.queues[plan.jobs.get(id)!.queue].name}:${id}`);
  return {
    jobId: job.id,
    attempts,
    ...(backoff ? { backoff } : {}),
    ...(delay !== undefined ? { delay } : {}),
    ...(priority !== undefined ? { priority } : {}),
    ...(ttl !== undefined ? { ttl } : {}),
    ...(removeOnComplete ? { removeOnComplete } : {}),
    ...(ignoreDependencyOnFailure ? { ignoreDependencyOnFailure } : {}),
    ...(dependsOn.length > 0 ? { dependsOn } : {}),
  };
}

/**
 * Runs one producer call until it succeeds. Every call is idempotent (fixed job ids; cancel, remove and
 * promote of a held job answer the same twice), so a retry after a reply lost with a connection is safe.
 * A ValidationError is not transient: it is recorded at once.
 */
async function step<T>(log: ProducerLog, what: string, call: () => Promise<T>): Promise<T | undefined> {
  const deadline = Date.now() + STEP_PATIENCE_MS;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ValidationError || Date.now() > deadline) {
        log.failures.push(`${what}: ${(error as Error).message}`);
        return undefined;
      }
      await new Promise((resolve) => setTimeout(resolve, STEP_RETRY_MS));
    }
  }
}
