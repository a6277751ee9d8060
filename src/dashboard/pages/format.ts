// Small renderers the pages share: times, ages, JSON, state badges, links and SVG sparklines.
import { html, type SafeHtml } from "../html.js";

/** An absolute time as ISO text (UTC), or a dash. */
export function formatTime(ms: number | Date | undefined): string {
  if (ms === undefined) return "—";
  const date = ms instanceof Date ? ms : new Date(ms);
  return Number.isNaN(date.getTime())
    ? "—"
    : date
        .toISOString()
        .replace("T", " ")
        .replace(/\.\d+Z$/, "Z");
}

/** A duration in the largest unit that keeps it readable: 850 ms, 12 s, 4 min, 3 h, 2 d. */
export function formatDuration(ms: number | undefined | null): string {
  if (ms === undefined || ms === null) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}

/** Pretty JSON for a `<pre>`; the template escapes it. */
export function formatJson(value: unknown): string {
  if (value === undefined) return "—";
  try {
    return JSON.stringify(value, null, 2) ?? "—";
  } catch {
    // A cycle or a BigInt: say so rather than show "[object Object]".
    return "(not representable as JSON)";
  }
}

/** JSON text stored by the backend, pretty-printed. */
export function formatJsonText(text: string | undefined): string {
  if (text === undefined) return "—";
  try {
    return formatJson(JSON.parse(text));
  } catch {
    return text;
  }
}

/** A state as a coloured badge. */
export function stateBadge(state: string): SafeHtml {
  return html`<span class="state state-${state}">${state}</span>`;
}

/** The path of a queue's page. */
export function queuePath(base: string, queue: string, query = ""): string {
  return `${base}/queues/${encodeURIComponent(queue)}${query}`;
}

/** The path of a job's page. */
export function jobPath(base: string, queue: string, id: string): string {
  return `${base}/queues/${encodeURIComponent(queue)}/jobs/${encodeURIComponent(id)}`;
}

const SPARK_WIDTH = 120;
const SPARK_HEIGHT = 24;

/** A tiny inline SVG line of `values` (no script, no style: presentation attributes only, so CSP allows it). */
export function sparkline(values: number[], label: string, kind: "throughput" | "failures"): SafeHtml {
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? SPARK_WIDTH / (values.length - 1) : SPARK_WIDTH;
  const points = values
    .map(
      (value, index) =>
        `${(index * step).toFixed(1)},${(SPARK_HEIGHT - (value / max) * SPARK_HEIGHT).toFixed(1)}`,
    )
    .join(" ");
  return html`<svg
    class="spark spark-${kind}"
    width="${SPARK_WIDTH}"
    height="${SPARK_HEIGHT}"
    viewBox="0 0 ${SPARK_WIDTH} ${SPARK_HEIGHT}"
    role="img"
    aria-label="${label}"
  >
    <title>${label}</title>
    <polyline fill="none" stroke-width="1.5" points="${points}" />
  </svg>`;
}

/** A form button that the client script turns into a POST (`data-action` + its data attributes). */
export function actionButton(
  label: string,
  action: string,
  attributes: Record<string, string>,
  extraClass = "",
): SafeHtml {
  const attrs = Object.entries(attributes).map(([key, value]) => html` data-${key}="${value}"`);
  return html`<button type="button" class="act ${extraClass}" data-action="${action}" ${attrs}>
    ${label}
  </button>`;
}
