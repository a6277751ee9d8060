// `npm run bench:lateness -- [--systems memory,redis,…] [--jobs 50]`: how late jobs start after they are due
// on each Warren backend (started − due, ms), with an idle worker in its own process and the producer in this
// one. Prints the table and writes it to bench/LATENESS.md. Also run by `npm run bench -- --metrics lateness`.
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { measureLateness, type LatenessSamples } from "./measure.js";
import { latenessTable } from "./report.js";

/** Every Warren system the scenario runs on. */
export const LATENESS_SYSTEMS = ["memory", "redis", "postgres", "amqp+redis", "amqp+postgres"];

/** Runs the scenario on `systems`; returns the Markdown table. */
export async function runLateness(systems: string[], perKind: number): Promise<string[]> {
  const results = new Map<string, LatenessSamples>();
  for (const name of systems) {
    console.error(`lateness ${name}: ${perKind} of each kind…`);
    results.set(name, await measureLateness(name, perKind));
  }
  return latenessTable(results);
}

const invokedDirectly = process.argv[1]?.endsWith("lateness/run.ts");
if (invokedDirectly) {
  const { values } = parseArgs({
    options: {
      systems: { type: "string", default: LATENESS_SYSTEMS.join(",") },
      jobs: { type: "string", default: "50" },
      out: { type: "string", default: "bench/LATENESS.md" },
    },
  });
  const perKind = Number(values.jobs);
  const systems = values.systems.split(",").map((name) => name.trim());
  const table = await runLateness(systems, perKind);
  const command = `npm run bench:lateness -- --systems ${systems.join(",")} --jobs ${perKind}`;
  const text = [
    "# Lateness: started − due (ms)",
    "",
    `\`${command}\` on ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${new Date().toISOString().slice(0, 10)}.`,
    `Idle worker in its own process (memory: the same process), producer in another; default options;`,
    `${perKind} jobs of each kind, each added once the last one finished.`,
    "",
    ...table,
    "",
  ].join("\n");
  console.log(text);
  writeFileSync(values.out, text);
}
