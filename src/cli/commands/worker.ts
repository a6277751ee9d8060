// `warren worker ls`: the live workers of the backend's registry. `warren worker start <modules…>`: runs workers
// over every task the modules export, until SIGINT/SIGTERM asks for a graceful close.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Command } from "commander";
import { ValidationError } from "../../errors/warren-error.js";
import { runTasks } from "../../tasks/run-tasks.js";
import { Task } from "../../tasks/define-task.js";
import { startHealthServer } from "../health-server.js";
import { parsePort, serverUrl, untilStopped } from "../listen.js";
import { print } from "../output.js";
import { withBackend, type GlobalOptions } from "./with-backend.js";

/** Registers the `worker` command group. */
export function registerWorkerCommands(program: Command, globals: () => GlobalOptions): void {
  const worker = program.command("worker").description("inspect workers");

  worker
    .command("ls")
    .description(
      "list live workers: id, queues, host, pid, concurrency, active jobs, last heartbeat and fetch",
    )
    .action(() =>
      withBackend(globals(), async (backend, json) => {
        const workers = await backend.listWorkers();
        const rows = workers.map((info) => ({
          id: info.id,
          queues: info.queues.join(","),
          host: info.host,
          pid: info.pid,
          concurrency: info.concurrency,
          active: info.active,
          started: new Date(info.startedAt).toISOString(),
          heartbeat: new Date(info.lastHeartbeat).toISOString(),
          fetched: info.lastFetchAt === undefined ? "never" : new Date(info.lastFetchAt).toISOString(),
        }));
        print(json ? workers : rows, json);
      }),
    );

  worker
    .command("start <modules...>")
    .description("run workers for every task (defineTask) the modules export, until SIGINT/SIGTERM")
    .option("--queue <name>", "run only the tasks of this queue")
    .option("--concurrency <n>", "jobs at once per queue", Number, 1)
    .option("--health-port <port>", "serve GET /healthz and /readyz on this port (127.0.0.1)", parsePort)
    .option("--health-host <host>", "address the health probes bind to", "127.0.0.1")
    .action(
      (
        modules: string[],
        options: { queue?: string; concurrency: number; healthPort?: number; healthHost: string },
      ) =>
        withBackend(globals(), async (backend, json) => {
          const tasks = (await loadTasks(modules)).filter(
            (task) => !options.queue || task.queue === options.queue,
          );
          if (tasks.length === 0) {
            throw new ValidationError(
              "INVALID_OPTION",
              `no tasks found in ${modules.join(", ")}${options.queue ? ` for queue ${options.queue}` : ""}; ` +
                `export the values defineTask returns`,
            );
          }
          // Worker errors go to the log (stderr, at --log-level), repeats within a minute at debug.
          const running = runTasks(tasks, { backend, concurrency: options.concurrency });
          const probes =
            options.healthPort === undefined
              ? undefined
              : await startHealthServer(running.workers, options.healthPort, options.healthHost);
          print(
            {
              started: tasks.map((task) => `${task.queue}/${task.name}`),
              workers: running.workers.length,
              ...(probes ? { health: serverUrl(probes, options.healthHost, "/healthz") } : {}),
            },
            json,
          );
          await untilStopped();
          probes?.close();
          await running.close();
        }),
    );
}

/** Every Task exported by the modules (paths relative to the working directory). */
async function loadTasks(modules: string[]): Promise<Task[]> {
  const tasks: Task[] = [];
  for (const path of modules) {
    const loaded = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
    for (const value of Object.values(loaded)) if (value instanceof Task) tasks.push(value);
  }
  return tasks;
}
