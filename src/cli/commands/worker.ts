// `warren worker ls`: the live workers of the backend's registry.
import type { Command } from "commander";
import { print } from "../output.js";
import { withBackend, type GlobalOptions } from "./with-backend.js";

/** Registers the `worker` command group. */
export function registerWorkerCommands(program: Command, globals: () => GlobalOptions): void {
  const worker = program.command("worker").description("inspect workers");

  worker
    .command("ls")
    .description("list live workers: id, queues, host, pid, concurrency, active jobs, last heartbeat")
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
        }));
        print(json ? workers : rows, json);
      }),
    );
}
