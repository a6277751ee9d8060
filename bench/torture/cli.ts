// `npm run torture -- --url <backend> --jobs N --seed S --faults kill,cut,restart`: the randomized model
// checker. Runs each backend in turn, prints one table and every violation, exits 1 on any violation (2 on
// bad arguments), and always prints the seed and the command that replays each run.
import { appendFileSync } from "node:fs";
import { redactUrl } from "../../src/core/redact-url.js";
import { parseTortureArgs, replayCommand, USAGE } from "./args.js";
import { formatDetails, formatTable } from "./report.js";
import { runTorture, type TortureResult } from "./run-torture.js";

let args;
try {
  args = parseTortureArgs(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message || USAGE);
  process.exit(2);
}

const results: TortureResult[] = [];
for (const options of args.runs) {
  console.error(
    `torture: ${redactUrl(options.url)} — ${options.jobs} jobs, seed ${options.seed}${args.randomSeed ? " (random)" : ""}, faults ${options.faults.join(",") || "none"}`,
  );
  try {
    const result = await runTorture(options);
    results.push(result);
    console.log(formatDetails(result, replayCommand(options)));
  } catch (error) {
    console.error(
      `torture: the run on ${redactUrl(options.url)} broke down: ${(error as Error).stack ?? String(error)}`,
    );
    console.error(`replay: ${replayCommand(options)}`);
    process.exitCode = 1;
  }
}
const table = formatTable(results);
console.log(`\n${table}\nseed ${args.runs[0]?.seed}${args.randomSeed ? " (random)" : ""}`);
if (args.out) {
  appendFileSync(
    args.out,
    `\n${new Date().toISOString()} — \`${replayCommand(args.runs[0]!).replace(/--url '[^']*'/, args.runs.map((run) => `--url '${redactUrl(run.url)}'`).join(" "))}\`\n\n${table}\n`,
  );
}
if (results.some((result) => result.verdict.violations.length > 0)) process.exitCode = 1;
// Stray handles (a reconnecting driver) must not keep a finished run alive.
process.exit(process.exitCode ?? 0);
