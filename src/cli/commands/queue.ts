// `warren queue …`: list queues, show counts, pause, resume, clean, drain, obliterate.
import type { Command } from "commander";
import { Queue } from "../../queue/queue.js";
import { JOB_STATES, type JobState } from "../../model/job-state.js";
import { print } from "../output.js";
import { requireKnownQueue } from "./known-queue.js";
import { withBackend, type GlobalOptions } from "./with-backend.js";

/** Registers the `queue` command group. */
export function registerQueueCommands(program: Command, globals: () => GlobalOptions): void {
  const queue = program.command("queue").description("inspect and manage queues");

  queue
    .command("ls")
    .description("list queues with their job counts")
    .action(() =>
      withBackend(globals(), async (backend, json) => {
        // One batched read for every queue, the same the metrics scrape makes.
        const snapshots = await backend.snapshotQueues(await backend.listQueues());
        print(
          snapshots.map(({ queue: name, paused, counts }) => ({ queue: name, paused, ...counts })),
          json,
        );
      }),
    );

  queue
    .command("info <name>")
    .description("job counts per state and whether the queue is paused")
    .action((name: string) =>
      withBackend(globals(), async (backend, json) => {
        await requireKnownQueue(backend, name);
        const handle = new Queue(name, { backend });
        print({ queue: name, paused: await handle.isPaused(), ...(await handle.getJobCounts()) }, json);
      }),
    );

  for (const [verb, description] of [
    ["pause", "stop workers from starting this queue's jobs"],
    ["resume", "let workers start jobs again"],
  ] as const) {
    queue
      .command(`${verb} <name>`)
      .description(description)
      .action((name: string) =>
        withBackend(globals(), async (backend, json) => {
          const handle = new Queue(name, { backend });
          await (verb === "pause" ? handle.pause() : handle.resume());
          print({ queue: name, paused: await handle.isPaused() }, json);
        }),
      );
  }

  queue
    .command("clean <name>")
    .description("remove jobs in a state that finished (or were added) longer ago than --older-than")
    .requiredOption("--state <state>", `one of ${JOB_STATES.join(", ")}`)
    .requiredOption("--older-than <ms>", "age in milliseconds", Number)
    .option("--limit <n>", "most jobs to remove", Number)
    .action((name: string, options: { state: string; olderThan: number; limit?: number }) =>
      withBackend(globals(), async (backend, json) => {
        const removed = await new Queue(name, { backend }).clean(options.state as JobState, {
          olderThan: options.olderThan,
          ...(options.limit === undefined ? {} : { limit: options.limit }),
        });
        print({ queue: name, removed: removed.length, ids: removed }, json);
      }),
    );

  queue
    .command("drain <name>")
    .description("remove waiting jobs (and delayed ones with --delayed)")
    .option("--delayed", "also remove delayed jobs")
    .action((name: string, options: { delayed?: boolean }) =>
      withBackend(globals(), async (backend, json) => {
        const removed = await new Queue(name, { backend }).drain({ delayed: options.delayed ?? false });
        print({ queue: name, removed }, json);
      }),
    );

  queue
    .command("obliterate <name>")
    .description("remove the queue and every job in it")
    .option("--force", "even while jobs are active")
    .action((name: string, options: { force?: boolean }) =>
      withBackend(globals(), async (backend, json) => {
        await new Queue(name, { backend }).obliterate({ force: options.force ?? false });
        print({ queue: name, obliterated: true }, json);
      }),
    );
}
