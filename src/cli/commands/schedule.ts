// `warren schedule …`: list, pause, resume and remove a queue's recurring jobs.
import type { Command } from "commander";
import { NotFoundError } from "../../errors/warren-error.js";
import { Queue } from "../../queue/queue.js";
import type { ScheduleInfo } from "../../schedules/schedule-info.js";
import { print } from "../output.js";
import { withBackend, type GlobalOptions } from "./with-backend.js";

/** Registers the `schedule` command group. */
export function registerScheduleCommands(program: Command, globals: () => GlobalOptions): void {
  const schedule = program.command("schedule").description("inspect and manage recurring jobs");

  schedule
    .command("ls <queue>")
    .description("list a queue's schedules: key, pattern, job name, next run, slots fired, paused")
    .action((queueName: string) =>
      withBackend(globals(), async (backend, json) => {
        const schedules = await new Queue(queueName, { backend }).getSchedules();
        print(json ? schedules : schedules.map(summary), json);
      }),
    );

  schedule
    .command("rm <queue> <key>")
    .description("remove a schedule (jobs it already added stay)")
    .action((queueName: string, key: string) =>
      withBackend(globals(), async (backend, json) => {
        if (!(await new Queue(queueName, { backend }).removeSchedule(key))) {
          throw new NotFoundError(
            `queue "${queueName}" has no schedule "${key}"; see \`warren schedule ls\``,
          );
        }
        print(json ? { removed: key } : `removed schedule ${key}`, json);
      }),
    );

  for (const [verb, paused] of [
    ["pause", true],
    ["resume", false],
  ] as const) {
    schedule
      .command(`${verb} <queue> <key>`)
      .description(
        paused ? "stop a schedule from firing" : "let a paused schedule fire again from its next slot",
      )
      .action((queueName: string, key: string) =>
        withBackend(globals(), async (backend, json) => {
          const queue = new Queue(queueName, { backend });
          const info = paused ? await queue.pauseSchedule(key) : await queue.resumeSchedule(key);
          print(json ? info : summary(info), json);
        }),
      );
  }
}

function summary(info: ScheduleInfo): Record<string, unknown> {
  return {
    key: info.key,
    pattern:
      info.cron !== undefined
        ? `cron ${info.cron}${info.tz ? ` (${info.tz})` : ""}`
        : `every ${info.every} ms`,
    job: info.name,
    next: info.nextRunAt?.toISOString() ?? "ended",
    fired: info.limit === undefined ? info.count : `${info.count}/${info.limit}`,
    paused: info.paused,
  };
}
