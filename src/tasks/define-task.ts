// defineTask: name a job kind once — its queue, its handler and its default options — then enqueue it by
// calling the task, and run workers over a set of task modules (`warren worker start ./tasks.js`).
import type { Backend } from "../backend/contract.js";
import { createBackend } from "../backend/create-backend.js";
import { assertQueueName } from "../core/topic-pattern.js";
import { ValidationError } from "../errors/warren-error.js";
import type { Job } from "../job/job.js";
import { validateJobOptions, type JobOptions } from "../model/job-options.js";
import { Queue } from "../queue/queue.js";
import type { ProcessorContext } from "../worker/run-attempt.js";

/** What a task's handler receives beside its data. */
export interface TaskContext<Data, Result> extends ProcessorContext {
  /** The job being run (progress, log, attempts). */
  job: Job<Data, Result>;
}

/** A task's function. */
export type TaskHandler<Data, Result> = (
  data: Data,
  context: TaskContext<Data, Result>,
) => Promise<Result> | Result;

const MAX_TASK_NAME = 200;
let defaultBackend: Promise<Backend> | undefined;
const queues = new WeakMap<Backend, Map<string, Queue>>();

/**
 * Sets the backend `task.enqueue` uses when it is not given one. Without it, the first enqueue creates one
 * from `$WARREN_URL` (the embedded memory backend when unset).
 */
export function setDefaultBackend(backend: Backend): void {
  defaultBackend = Promise.resolve(backend);
}

function resolveBackend(backend: Backend | undefined): Promise<Backend> {
  if (backend) return Promise.resolve(backend);
  defaultBackend ??= createBackend(process.env["WARREN_URL"]);
  return defaultBackend;
}

/** A defined task. Enqueue it with {@link Task.enqueue}; run it with `runTasks` or `warren worker start`. */
export class Task<Data = unknown, Result = unknown> {
  constructor(
    /** The queue its jobs go to. */
    readonly queue: string,
    /** The job name that selects this task's handler. */
    readonly name: string,
    private readonly handler: TaskHandler<Data, Result>,
    /** Options every enqueue starts from. */
    readonly defaults: Readonly<JobOptions>,
  ) {}

  /** Runs one job of this task (what the worker calls). */
  run(data: Data, context: TaskContext<Data, Result>): Promise<Result> | Result {
    return this.handler(data, context);
  }

  /** Adds a job of this task; `opts` override the task's defaults. */
  async enqueue(data: Data, opts: JobOptions = {}, backend?: Backend): Promise<Job<Data, Result>> {
    const target = await resolveBackend(backend);
    let byName = queues.get(target);
    if (!byName) queues.set(target, (byName = new Map<string, Queue>()));
    let queue = byName.get(this.queue);
    if (!queue) byName.set(this.queue, (queue = new Queue(this.queue, { backend: target })));
    return (queue as Queue<Data, Result>).add(this.name, data, { ...this.defaults, ...opts });
  }
}

/**
 * Defines a task. Its default options are checked now, so a typo fails at startup rather than at the first
 * enqueue.
 * @example export const sendEmail = defineTask("email", "send", async (data, { signal }) => …, { attempts: 3 });
 */
export function defineTask<Data = unknown, Result = unknown>(
  queue: string,
  name: string,
  handler: TaskHandler<Data, Result>,
  defaults: JobOptions = {},
): Task<Data, Result> {
  assertQueueName(queue);
  if (typeof name !== "string" || name.length === 0 || name.length > MAX_TASK_NAME) {
    throw new ValidationError(
      "INVALID_OPTION",
      `task name must be 1–${MAX_TASK_NAME} characters (got ${JSON.stringify(name)})`,
    );
  }
  if (typeof handler !== "function") {
    throw new ValidationError("INVALID_OPTION", `task ${queue}/${name} needs a handler function`);
  }
  return new Task(
    queue,
    name,
    handler,
    Object.freeze(validateJobOptions(defaults, `task ${queue}/${name} defaults`)),
  );
}
