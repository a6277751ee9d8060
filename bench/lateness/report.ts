// The lateness table: p50, p99 and max of started − due per backend and kind, as Markdown.
import { LATENESS_KINDS, type LatenessSamples } from "./measure.js";

/** The value at quantile `q` (0–1) of sorted `values`, nearest rank. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Markdown rows: one per backend, p50/p99/max (ms) for each kind. */
export function latenessTable(results: Map<string, LatenessSamples>): string[] {
  const header = LATENESS_KINDS.map((kind) => `${kind} p50 / p99 / max`);
  const lines = [`| backend | ${header.join(" | ")} |`, `| --- |${" ---: |".repeat(LATENESS_KINDS.length)}`];
  for (const [name, samples] of results) {
    const cells = LATENESS_KINDS.map((kind) => {
      const sorted = [...samples[kind]].sort((a, b) => a - b);
      return `${quantile(sorted, 0.5)} / ${quantile(sorted, 0.99)} / ${sorted.at(-1) ?? "–"}`;
    });
    lines.push(`| ${name} | ${cells.join(" | ")} |`);
  }
  return lines;
}
