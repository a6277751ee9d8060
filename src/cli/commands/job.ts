// `warren job …`: list, show, add, retry, cancel, remove and promote jobs.
import type { Command } from "commander";
import { Queue } from "../../queue/queue.js";
import { jobNotFound } from "../../errors/warren-error.js";
import { JOB_STATES, type JobState } from "../../model/job-state.js";
import type { JobOptions } from "../../model/job-options.js";
import { parseJsonFlag, print } from "../output.js";
import { requireKnownQueue } from "./known-queue.js";
import { withBackend, type GlobalOptions } from "./with-backend.js";

/** Registers the `job` command group. */
export function registerJobCommands(program: Command, globals: () => GlobalOptions): void {
  const job = program.command("job").description("inspect and manage jobs");

  job
    .command("ls <queue>")
    .description("list jobs, most recent first (finished ones by when they finished, others by when added)")
    .option("--state <states>", `comma-separated: ${JOB_STATES.join(",")}`)
    .option("--offset <n>", "skip this many", Number, 0)
    .option("--limit <n>", "show at most this many", Number, 50)
    .action((queueName: string, options: { state?: string; offset: number; limit: number }) =>
      withBackend(globals(), async (backend, json) => {
        const states = (options.state ? options.state.split(",") : [...JOB_STATES]) as JobState[];
        await requireKnownQueue(backend, queueName);
        const jobs = await new Queue(queueName, { backend }).getJobs(states, {
          offset: options.offset,
          limit: options.limit,
          order: "desc",
        });
        print(
          jobs.map((j) =>
            json
              ? j.toJSON()
              : {
                  id: j.id,
                  name: j.name,
                  state: j.state,
                  attempts: j.attemptsMade,
                  // The time the list is ordered by, so the column reads top to bottom.
                  at: j.finishedAt ?? j.createdAt,
                  reason: oneLine(j.failedReason),
                },
          ),
          json,
        );
      }),
    );

  job
    .command("get <queue> <id>")
    .description("show one job with its logs")
    .action((queueName: string, id: string) =>
      withBackend(globals(), async (backend, json) => {
        const found = await new Queue(queueName, { backend }).getJob(id);
        if (!found) throw jobNotFound(queueName, id);
        print({ ...found.toJSON(), logs: (await found.getLogs()).logs }, json);
      }),
    );

  job
    .command("add <queue> <name>")
    .description("add a job; prints its id")
    .option("--data <json>", "job data as JSON", "{}")
    .option("--opts <json>", "job options as JSON")
    .action((queueName: string, name: string, options: { data: string; opts?: string }) =>
      withBackend(globals(), async (backend, json) => {
        const data = parseJsonFlag("--data", options.data);
        const opts = parseJsonFlag("--opts", options.opts) as JobOptions | undefined;
        const added = await new Queue(queueName, { backend }).add(name, data, opts);
        print(json ? added.toJSON() : added.id, json);
      }),
    );

  const actions = {
    retry: async (queue: Queue, id: string) => (await queue.retry(id)).state,
    cancel: async (queue: Queue, id: string) => {
      const result = await queue.cancel(id);
      if (result === "not-found") throw jobNotFound(queue.name, id);
      return result;
    },
    remove: async (queue: Queue, id: string) => {
      if (!(await queue.remove(id))) throw jobNotFound(queue.name, id);
      return "removed";
    },
    promote: async (queue: Queue, id: string) => (await queue.promote(id)).state,
  } as const;
  for (const [verb, run] of Object.entries(actions)) {
    job
      .command(`${verb} <queue> <id>`)
      .description(`${verb} a job`)
      .action((queueName: string, id: string) =>
        withBackend(globals(), async (backend, json) => {
          const result = await run(new Queue(queueName, { backend }), id);
          print({ queue: queueName, id, result }, json);
        }),
      );
  }
}

const REASON_WIDTH = 60;

/** A failure reason fit for one table cell: first line, cut to a readable width. */
function oneLine(reason: string | undefined): string | undefined {
  const first = reason?.split("\n", 1)[0];
  if (first === undefined || first.length <= REASON_WIDTH) return first;
  return `${first.slice(0, REASON_WIDTH - 1)}…`;
}
