// Runs workers over a set of tasks: one Worker per queue, dispatching each job to the task its name selects.
import { UnrecoverableError, ValidationError } from "../errors/warren-error.js";
import type { WorkerOptions } from "../worker/worker-options.js";
import { Worker } from "../worker/worker.js";
import { Task, type TaskContext } from "./define-task.js";

/** Any defined task, whatever its data and result types (method syntax keeps the check bivariant). */
export interface RunnableTask {
  readonly queue: string;
  readonly name: string;
  run(data: unknown, context: TaskContext<unknown, unknown>): unknown;
}

/** Workers started by {@link runTasks}. */
export interface TaskWorkers {
  /** One worker per queue. */
  readonly workers: Worker[];
  /** Closes every worker (waits for running jobs unless `force`). */
  close(options?: { force?: boolean }): Promise<void>;
}

/** Starts one worker per queue the tasks use. Two tasks with the same queue and name are an error. */
export function runTasks(tasks: Iterable<RunnableTask>, options: WorkerOptions): TaskWorkers {
  const byQueue = new Map<string, Map<string, RunnableTask>>();
  for (const task of tasks) {
    if (!(task instanceof Task))
      throw new ValidationError("INVALID_OPTION", "runTasks takes tasks made by defineTask");
    const names = byQueue.get(task.queue) ?? new Map<string, RunnableTask>();
    if (names.has(task.name)) {
      throw new ValidationError(
        "INVALID_OPTION",
        `two tasks are named ${task.queue}/${task.name}; rename one`,
      );
    }
    names.set(task.name, task);
    byQueue.set(task.queue, names);
  }
  if (byQueue.size === 0) throw new ValidationError("INVALID_OPTION", "runTasks needs at least one task");
  const workers = [...byQueue].map(
    ([queue, names]) =>
      new Worker(
        queue,
        (job, context) => {
          const task = names.get(job.name);
          if (!task) {
            throw new UnrecoverableError(
              `no task named "${job.name}" runs on queue "${queue}" here (known: ${[...names.keys()].join(", ")})`,
            );
          }
          return task.run(job.data, { ...context, job });
        },
        options,
      ),
  );
  return {
    workers,
    async close(closeOptions) {
      await Promise.all(workers.map((worker) => worker.close(closeOptions)));
    },
  };
}
