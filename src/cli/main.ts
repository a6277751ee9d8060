#!/usr/bin/env node
// The `warren` command line: operate queues and jobs on any backend through the public API.
import { createRequire } from "node:module";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { setDefaultLogLevel } from "../logging/default-logger.js";
import { LOG_LEVELS, isLogLevel, type LogLevel } from "../logging/log-levels.js";
import { registerDeadLetterCommands } from "./commands/dlq.js";
import { registerJobCommands } from "./commands/job.js";
import { registerMetricsCommand } from "./commands/metrics.js";
import { registerQueueCommands } from "./commands/queue.js";
import { registerScheduleCommands } from "./commands/schedule.js";
import { registerWorkerCommands } from "./commands/worker.js";
import type { GlobalOptions } from "./commands/with-backend.js";
import { EXIT_USAGE, exitQuietlyOnClosedStdout } from "./output.js";

// src/cli and dist/cli both sit two levels below the package root.
const { version } = createRequire(import.meta.url)("../../package.json") as { version: string };
exitQuietlyOnClosedStdout();

const program = new Command("warren")
  .description("Operate Warren job queues")
  .version(version, "-V, --version", "print the version")
  .option("--url <url>", "backend URL (default: $WARREN_URL, else memory://)")
  .option("--json", "print JSON instead of tables")
  .option(
    "--log-level <level>",
    `log records at this level and above, to stderr (${LOG_LEVELS.join(", ")}; default: $WARREN_LOG_LEVEL, else warn)`,
    parseLogLevel,
  )
  .hook("preAction", (_program, action) => {
    const { logLevel } = program.opts<{ logLevel?: LogLevel }>();
    if (logLevel !== undefined) setDefaultLogLevel(logLevel);
    // A one-shot command prints its own error; a warning record of the same trouble would only repeat it.
    else if (!process.env["WARREN_LOG_LEVEL"] && !isLongRunning(action)) setDefaultLogLevel("error");
  })
  .exitOverride()
  .showHelpAfterError();

/** `warren worker start` and `warren metrics` run until stopped: their warnings (reconnects, stalls) are news. */
function isLongRunning(action: Command): boolean {
  return (action.name() === "start" && action.parent?.name() === "worker") || action.name() === "metrics";
}

function parseLogLevel(value: string): LogLevel {
  const level = value.trim().toLowerCase();
  if (!isLogLevel(level)) throw new InvalidArgumentError(`use one of ${LOG_LEVELS.join(", ")}`);
  return level;
}

const globals = (): GlobalOptions => program.opts<GlobalOptions>();
registerQueueCommands(program, globals);
registerJobCommands(program, globals);
registerScheduleCommands(program, globals);
registerWorkerCommands(program, globals);
registerDeadLetterCommands(program, globals);
registerMetricsCommand(program, globals);

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
