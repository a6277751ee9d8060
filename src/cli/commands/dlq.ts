// `warren dlq …`: list, replay and purge a queue's dead letters (jobs that failed for good or expired, and on
// RabbitMQ the broker's dead-letter queue).
import type { Command } from "commander";
import { ValidationError } from "../../errors/warren-error.js";
import { Queue } from "../../queue/queue.js";
import { print } from "../output.js";
import { progressBar } from "../progress-bar.js";
import { withBackend, type GlobalOptions } from "./with-backend.js";

/** Below this many letters a replay is quick: no progress bar. */
const PROGRESS_MINIMUM = 500;
/** Letters one page of `--all` reads. */
const ID_PAGE = 1_000;

/** Registers the `dlq` command group. */
export function registerDeadLetterCommands(program: Command, globals: () => GlobalOptions): void {
  const dlq = program.command("dlq").description("inspect, replay and purge dead letters");

  dlq
    .command("ls <queue>")
    .description("list dead letters, oldest first (store letters, then broker-only ones)")
    .option("--offset <n>", "skip this many", Number, 0)
    .option("--limit <n>", "show at most this many", Number, 50)
    .action((queueName: string, options: { offset: number; limit: number }) =>
      withBackend(globals(), async (backend, json) => {
        const letters = await new Queue(queueName, { backend }).getDeadLetters(options);
        print(
          json
            ? letters
            : letters.map((letter) => ({
                id: letter.id,
                name: letter.name,
                source: letter.source,
                attempts: letter.attemptsMade,
                deadLettered: letter.deadLetteredAt === 0 ? "unknown" : letter.deadLetteredAt,
                reason: letter.reason,
              })),
          json,
        );
      }),
    );

  dlq
    .command("replay <queue>")
    .description("replay dead letters with a fresh attempt budget: the ones named by --id, or --all")
    .option("--id <ids...>", "letter ids as `dlq ls` prints them")
    .option("--all", "every dead letter of the queue")
    .action((queueName: string, options: { id?: string[]; all?: boolean }) =>
      withBackend(globals(), async (backend, json) => {
        if ((options.id === undefined) === (options.all !== true)) {
          throw new ValidationError(
            "INVALID_OPTION",
            "name the letters to replay with --id ID..., or pass --all",
          );
        }
        const queue = new Queue(queueName, { backend });
        const ids = options.id ?? (await allLetterIds(queue));
        const progress = progressBar("replaying", ids.length, PROGRESS_MINIMUM);
        let replayed = 0;
        try {
          // One call: on RabbitMQ the copies of every replayed job leave the dead-letter queue in one pass.
          ({ replayed } = await queue.replayDeadLetters(
            { ids },
            { onProgress: (handled) => progress.update(handled) },
          ));
        } finally {
          progress.finish();
        }
        print({ queue: queueName, requested: ids.length, replayed }, json);
      }),
    );

  dlq
    .command("purge <queue>")
    .description("remove every dead letter of the queue for good (needs --force)")
    .option("--force", "really remove them")
    .action((queueName: string, options: { force?: boolean }) =>
      withBackend(globals(), async (backend, json) => {
        if (options.force !== true) {
          throw new ValidationError(
            "INVALID_OPTION",
            `purge removes every dead letter of queue "${queueName}" for good; pass --force to do it`,
          );
        }
        const purged = await new Queue(queueName, { backend }).purgeDeadLetters();
        print({ queue: queueName, purged }, json);
      }),
    );
}

/** Every letter id, read before any is replayed (a letter that dies again meanwhile is not replayed twice). */
async function allLetterIds(queue: Queue): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += ID_PAGE) {
    const page = await queue.getDeadLetters({ offset, limit: ID_PAGE });
    ids.push(...page.map((letter) => letter.id));
    if (page.length < ID_PAGE) return ids;
  }
}
