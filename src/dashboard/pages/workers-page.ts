// Live workers: where they run, what they consume, how busy they are and whether their heartbeat is current.
import type { WorkerView } from "../api/read-model.js";
import { html, type SafeHtml } from "../html.js";
import { formatDuration } from "./format.js";
import type { PageContext } from "./layout.js";

/** The workers page's main content. */
export function renderWorkersPage(context: PageContext, workers: WorkerView[]): SafeHtml {
  if (workers.length === 0)
    return html`<h1>Workers</h1>
      <p class="empty">No live workers.</p>`;
  const rows = workers.map(
    (worker) =>
      html`<tr>
        <td>${worker.name}</td>
        <td>${worker.host}</td>
        <td class="num">${worker.pid}</td>
        <td>${worker.queues.join(", ")}</td>
        <td class="num">${worker.concurrency}</td>
        <td class="num">${worker.active}</td>
        <td>${formatDuration(context.now - worker.lastHeartbeat)} ago</td>
        <td>
          ${worker.lastFetchAt === undefined ? "—" : `${formatDuration(context.now - worker.lastFetchAt)} ago`}
        </td>
        <td>${formatDuration(context.now - worker.startedAt)}</td>
        <td><span class="health health-${worker.health}">${worker.health}</span></td>
      </tr>`,
  );
  return html`<h1>Workers</h1>
    <table class="grid">
      <thead>
        <tr>
          <th>Name</th>
          <th>Host</th>
          <th>Pid</th>
          <th>Queues</th>
          <th>Concurrency</th>
          <th>Active</th>
          <th>Heartbeat</th>
          <th>Last fetch</th>
          <th>Up</th>
          <th>Health</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>`;
}
