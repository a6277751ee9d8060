// `npm run torture -- …` arguments, validated once into TortureOptions (one per backend).
import { parseArgs } from "node:util";
import { redactUrl } from "../../src/core/redact-url.js";
import { ValidationError } from "../../src/index.js";
import { BACKEND_SHORTHANDS } from "./backend-url.js";
import { FAULT_KINDS, type FaultKind } from "./faults/fault-injector.js";
import { randomSeed } from "./prng.js";
import type { TortureOptions } from "./run-torture.js";

/** Usage, printed on a bad argument. */
export const USAGE = `npm run torture -- --url <backend> [--url <backend> …] [--jobs N] [--seed S] [--faults kill,cut,restart]
    [--workers W] [--duration MS] [--fault-interval MS] [--out FILE] [--verbose]
  <backend>: a URL (memory://, redis://…, postgres://…, amqp://…?store=redis://… | postgres://…)
             or a name: ${Object.keys(BACKEND_SHORTHANDS).join(", ")}, all`;

/** Parsed command line: one option set per backend, plus where to write the report. */
export interface TortureArgs {
  runs: TortureOptions[];
  out: string | undefined;
  /** Whether the seed was chosen at random (the report says so). */
  randomSeed: boolean;
}

/** Parses argv (without node and script); throws ValidationError with the usage on a bad value. */
export function parseTortureArgs(argv: string[]): TortureArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: "string", multiple: true, default: ["memory"] },
      jobs: { type: "string", default: "300" },
      seed: { type: "string" },
      faults: { type: "string", default: "" },
      workers: { type: "string", default: "2" },
      duration: { type: "string" },
      "fault-interval": { type: "string", default: "5000" },
      out: { type: "string" },
      verbose: { type: "boolean", default: false },
    },
  });
  const jobs = integer(values.jobs, "--jobs", 1);
  const seed = values.seed === undefined ? randomSeed() : integer(values.seed, "--seed", 0);
  const faults = values.faults
    .split(",")
    .filter(Boolean)
    .map((kind) => {
      if (!(FAULT_KINDS as readonly string[]).includes(kind))
        fail(`--faults takes ${FAULT_KINDS.join(",")} (got ${kind})`);
      return kind as FaultKind;
    });
  const workers = integer(values.workers, "--workers", 2);
  // About 40 jobs a second keeps two workers busy without a backlog that would hide lateness.
  const durationMs =
    values.duration === undefined
      ? Math.max(8_000, jobs * 25)
      : integer(values.duration, "--duration", 1_000);
  const faultIntervalMs = integer(values["fault-interval"], "--fault-interval", 500);
  const urls = values.url.flatMap((url) => (url === "all" ? Object.keys(BACKEND_SHORTHANDS) : [url]));
  const runs = urls.map((url) => ({
    url: BACKEND_SHORTHANDS[url] ?? url,
    jobs,
    seed,
    faults,
    workers,
    durationMs,
    faultIntervalMs,
    verbose: values.verbose,
  }));
  return { runs, out: values.out, randomSeed: values.seed === undefined };
}

/** The command that replays one run exactly. */
/** The command that replays a run; a password in its URL shows as `***` (put yours back to replay). */
export function replayCommand(options: TortureOptions): string {
  const faults = options.faults.length > 0 ? ` --faults ${options.faults.join(",")}` : "";
  return `npm run torture -- --url '${redactUrl(options.url)}' --jobs ${options.jobs} --seed ${options.seed}${faults} --workers ${options.workers} --duration ${options.durationMs} --fault-interval ${options.faultIntervalMs}`;
}

function integer(text: string, name: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) fail(`${name} must be an integer >= ${min} (got ${text})`);
  return value;
}

function fail(message: string): never {
  throw new ValidationError("INVALID_OPTION", `${message}\n${USAGE}`);
}
