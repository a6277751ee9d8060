// Overview: every queue with its counts by state, recent throughput and failures, oldest wait and pause flag.
import { JOB_STATES } from "../../model/job-state.js";
import type { QueueOverview } from "../api/read-model.js";
import { html, type SafeHtml } from "../html.js";
import { actionButton, formatDuration, queuePath, sparkline, stateBadge } from "./format.js";
import type { PageContext } from "./layout.js";

/** The overview's main content. */
export function renderOverview(context: PageContext, queues: QueueOverview[]): SafeHtml {
  if (queues.length === 0) {
    return html`<h1>Queues</h1>
      <p class="empty">No queues yet: add a job to one and it appears here.</p>`;
  }
  const rows = queues.map((queue) => {
    const failed = queue.failures.reduce((a, b) => a + b, 0);
    const total = queue.throughput.reduce((a, b) => a + b, 0);
    const failureRate = queue.throughput.map((count, index) =>
      count ? (queue.failures[index] ?? 0) / count : 0,
    );
    return html`<tr data-queue="${queue.queue}">
      <td>
        <a href="${queuePath(context.basePath, queue.queue)}">${queue.queue}</a
        >${queue.paused ? html` <span class="paused">paused</span>` : ""}
      </td>
      ${JOB_STATES.map(
        (state) =>
          html`<td class="num">
            <a href="${queuePath(context.basePath, queue.queue, `?state=${state}`)}"
              >${queue.counts[state]}</a
            >
          </td>`,
      )}
      <td>${sparkline(queue.throughput, `${total} finished in the last hour`, "throughput")}</td>
      <td>${sparkline(failureRate, `${failed} failed in the last hour`, "failures")}</td>
      <td class="num">${formatDuration(queue.oldestWaitingMs)}</td>
      <td>
        ${
          context.canAct
            ? queue.paused
              ? actionButton("Resume", "resume", { queue: queue.queue })
              : actionButton("Pause", "pause", { queue: queue.queue })
            : ""
        }
      </td>
    </tr>`;
  });
  return html`<h1>Queues</h1>
    <table class="grid overview">
      <thead>
        <tr>
          <th>Queue</th>
          ${JOB_STATES.map((state) => html`<th>${stateBadge(state)}</th>`)}
          <th>Throughput (1 h)</th>
          <th>Failure rate (1 h)</th>
          <th>Oldest waiting</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>`;
}
