// The audit log: every action taken through this dashboard, newest first.
import type { AuditEntry } from "../audit-log.js";
import { html, type SafeHtml } from "../html.js";
import { formatTime } from "./format.js";
import type { PageContext } from "./layout.js";

/** The audit page's main content. */
export function renderAuditPage(_context: PageContext, entries: AuditEntry[]): SafeHtml {
  if (entries.length === 0)
    return html`<h1>Audit log</h1>
      <p class="empty">No actions yet.</p>`;
  return html`<h1>Audit log</h1>
    <table class="grid audit">
      <thead>
        <tr>
          <th>When</th>
          <th>Who</th>
          <th>Action</th>
          <th>Queue</th>
          <th>Target</th>
          <th>Count</th>
          <th>Outcome</th>
        </tr>
      </thead>
      <tbody>
        ${entries.map(
          (entry) =>
            html`<tr>
              <td>${formatTime(entry.at)}</td>
              <td>${entry.user}</td>
              <td>${entry.action}</td>
              <td>${entry.queue ?? "—"}</td>
              <td>${entry.target ?? "—"}</td>
              <td class="num">${entry.count ?? ""}</td>
              <td>${entry.outcome}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}
