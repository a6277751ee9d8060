// Schedules of every queue: pattern, time zone, next runs, with pause, resume and remove.
import type { ScheduleView } from "../api/read-model.js";
import { html, type SafeHtml } from "../html.js";
import { actionButton, formatTime, queuePath } from "./format.js";
import type { PageContext } from "./layout.js";

/** The schedules page's main content. */
export function renderSchedulesPage(context: PageContext, schedules: ScheduleView[]): SafeHtml {
  if (schedules.length === 0)
    return html`<h1>Schedules</h1>
      <p class="empty">No schedules.</p>`;
  const rows = schedules.map((schedule) => {
    const attrs = { queue: schedule.queue, key: schedule.key };
    return html`<tr>
      <td><a href="${queuePath(context.basePath, schedule.queue)}">${schedule.queue}</a></td>
      <td>${schedule.key}</td>
      <td>${schedule.pattern}</td>
      <td>${schedule.tz ?? "UTC"}</td>
      <td>${schedule.name}</td>
      <td>${schedule.paused ? html`<span class="paused">paused</span>` : "active"}</td>
      <td class="num">${schedule.count}${schedule.limit !== undefined ? ` / ${schedule.limit}` : ""}</td>
      <td>
        ${
          schedule.nextRuns.length
            ? html`<ul class="runs">
                ${schedule.nextRuns.map((run) => html`<li>${formatTime(run)}</li>`)}
              </ul>`
            : "—"
        }
      </td>
      <td>
        ${
          context.canAct
            ? html`${schedule.paused ? actionButton("Resume", "schedule-resume", attrs) : actionButton("Pause", "schedule-pause", attrs)}${actionButton("Remove", "schedule-remove", attrs, "danger")}`
            : ""
        }
      </td>
    </tr>`;
  });
  return html`<h1>Schedules</h1>
    <table class="grid">
      <thead>
        <tr>
          <th>Queue</th>
          <th>Key</th>
          <th>Pattern</th>
          <th>Time zone</th>
          <th>Job name</th>
          <th>Status</th>
          <th>Fired</th>
          <th>Next runs</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>`;
}
