// Prints a run's figures: one table row per backend, lateness by cause, schedule slots, and every violation.
import type { Lateness, Violation, ViolationKind } from "./checker.js";
import type { TortureResult } from "./run-torture.js";

const COLUMNS = [
  "backend",
  "jobs",
  "faults",
  "lost",
  "double-completed",
  "stuck",
  "early",
  "other",
  "lateness p50/p99 ms",
  "slots fired/due",
];
const MAX_LISTED_PER_KIND = 25;

/** The figures of one result, as table cells. */
export function tableRow(result: TortureResult): string[] {
  const { verdict } = result;
  const count = (kind: ViolationKind): number =>
    verdict.violations.filter((violation) => violation.kind === kind).length;
  const headline: ViolationKind[] = ["lost", "double-completed", "stuck", "early"];
  const other = verdict.violations.filter((violation) => !headline.includes(violation.kind)).length;
  const all = verdict.lateness.map((sample) => sample.ms);
  const slots = verdict.schedules.map((schedule) => `${schedule.fired}/${schedule.expected}`).join(" ");
  const faults = result.faults.length === 0 ? "0" : summariseFaults(result);
  return [
    result.label,
    String(verdict.jobs),
    faults,
    ...headline.map((kind) => String(count(kind))),
    String(other),
    `${percentile(all, 50)}/${percentile(all, 99)}`,
    slots,
  ];
}

/** A Markdown table of results (one row each). */
export function formatTable(results: TortureResult[]): string {
  const rows = [COLUMNS, ...results.map(tableRow)];
  const widths = COLUMNS.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]): string =>
    `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`;
  return [
    line(rows[0]!),
    `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`,
    ...rows.slice(1).map(line),
  ].join("\n");
}

/** Everything about one result below the table: lateness by cause, faults, violations, replay command. */
export function formatDetails(result: TortureResult, replay: string): string {
  const out: string[] = [
    `### ${result.label} (seed ${result.options.seed}, ${Math.round(result.elapsedMs / 1000)} s)`,
  ];
  out.push(`lateness by cause (ms, p50/p99/max, n): ${latenessByCause(result.verdict.lateness)}`);
  for (const schedule of result.verdict.schedules)
    out.push(
      `schedule ${schedule.key} (every ${schedule.every} ms): ${schedule.fired} of ${schedule.expected} slots fired`,
    );
  if (result.notApplicable.length > 0)
    out.push(`faults not applicable here: ${result.notApplicable.join(", ")}`);
  if (result.faults.length > 0)
    out.push(
      `faults: ${result.faults.map((fault) => `${fault.kind} ${fault.target} (${fault.detail})`).join("; ")}`,
    );
  if (result.quiescenceTimedOut)
    out.push("quiescence: gave up waiting; jobs still pending are reported stuck");
  out.push(...result.notes);
  out.push(
    result.verdict.violations.length === 0
      ? "no violations"
      : `${result.verdict.violations.length} violation(s):`,
  );
  out.push(...formatViolations(result.verdict.violations));
  out.push(`replay: ${replay}`);
  return out.join("\n");
}

function formatViolations(violations: Violation[]): string[] {
  const byKind = new Map<ViolationKind, Violation[]>();
  for (const violation of violations)
    byKind.set(violation.kind, [...(byKind.get(violation.kind) ?? []), violation]);
  const lines: string[] = [];
  for (const [kind, list] of byKind) {
    lines.push(`  ${kind} (${list.length}):`);
    for (const violation of list.slice(0, MAX_LISTED_PER_KIND)) {
      lines.push(
        `    ${violation.id}: expected ${violation.expected}; seen ${violation.seen} — ${violation.plan}`,
      );
    }
    if (list.length > MAX_LISTED_PER_KIND) lines.push(`    … and ${list.length - MAX_LISTED_PER_KIND} more`);
  }
  return lines;
}

function summariseFaults(result: TortureResult): string {
  const counts = new Map<string, number>();
  for (const fault of result.faults) counts.set(fault.kind, (counts.get(fault.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${n} ${kind}`).join(", ");
}

function latenessByCause(samples: Lateness[]): string {
  const causes = [...new Set(samples.map((sample) => sample.category))];
  return causes
    .map((cause) => {
      const values = samples.filter((sample) => sample.category === cause).map((sample) => sample.ms);
      return `${cause} ${percentile(values, 50)}/${percentile(values, 99)}/${Math.max(...values)} (${values.length})`;
    })
    .join("; ");
}

/** Nearest-rank percentile; "-" when there are no samples. */
export function percentile(values: number[], p: number): string {
  if (values.length === 0) return "-";
  const sorted = [...values].sort((a, b) => a - b);
  return String(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]);
}
