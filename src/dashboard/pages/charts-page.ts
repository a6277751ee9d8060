// Charts of the last hour: throughput, and wait and run time p50/p95. The page carries the figures as JSON in
// a data attribute; the client script draws them with uPlot (no inline script, so the CSP holds).
import type { MinuteFigures } from "../live-stats.js";
import { html, type SafeHtml } from "../html.js";
import type { PageContext } from "./layout.js";

/** The charts page's main content. */
export function renderChartsPage(
  context: PageContext,
  queues: string[],
  queue: string | undefined,
  figures: MinuteFigures[],
): SafeHtml {
  const picker = html`<form method="get" action="${context.basePath}/charts" class="search">
    <label
      >Queue
      <select name="queue">
        <option value="">all queues</option>
        ${queues.map(
          (name) => html`<option value="${name}" ${name === queue ? html` selected` : ""}>${name}</option>`,
        )}
      </select></label
    >
    <button type="submit">Show</button>
  </form>`;
  const finished = figures.reduce((sum, minute) => sum + minute.completed + minute.failed, 0);
  return html`<h1>Charts${queue ? html` of <span class="queue-name">${queue}</span>` : ""}</h1>
    ${picker}
    <p class="notice">
      Last hour, per minute, counted from the live event stream since this dashboard started (${finished} jobs
      finished).
    </p>
    <div class="charts" data-figures="${JSON.stringify(figures)}">
      <figure>
        <figcaption>Throughput (jobs per minute)</figcaption>
        <div class="chart" data-chart="throughput"></div>
      </figure>
      <figure>
        <figcaption>Wait time (ms, p50 / p95)</figcaption>
        <div class="chart" data-chart="wait"></div>
      </figure>
      <figure>
        <figcaption>Run time (ms, p50 / p95)</figcaption>
        <div class="chart" data-chart="run"></div>
      </figure>
    </div>`;
}
