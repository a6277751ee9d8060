#!/usr/bin/env node
// The `warren` command line: operate queues and jobs on any backend through the public API.
import { Command, CommanderError } from "commander";
import { registerJobCommands } from "./commands/job.js";
import { registerQueueCommands } from "./commands/queue.js";
import { registerScheduleCommands } from "./commands/schedule.js";
import { registerWorkerCommands } from "./commands/worker.js";
import type { GlobalOptions } from "./commands/with-backend.js";
import { EXIT_USAGE } from "./output.js";

const program = new Command("warren")
  .description("Operate Warren job queues")
  .option("--url <url>", "backend URL (default: $WARREN_URL, else memory://)")
  .option("--json", "print JSON instead of tables")
  .exitOverride()
  .showHelpAfterError();

const globals = (): GlobalOptions => program.opts<GlobalOptions>();
registerQueueCommands(program, globals);
registerJobCommands(program, globals);
registerScheduleCommands(program, globals);
registerWorkerCommands(program, globals);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version exit 0; anything else commander rejects is a usage error.
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
  } else {
    throw error;
  }
}
