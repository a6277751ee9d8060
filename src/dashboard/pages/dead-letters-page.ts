// Dead letters of one queue (or a queue picker): reason, when, with replay and purge.
import type { DeadLetter } from "../../queue/dead-letters.js";
import { html, type SafeHtml } from "../html.js";
import { actionButton, formatJson, formatTime, jobPath } from "./format.js";
import type { PageContext } from "./layout.js";

/** What the dead-letters page shows. */
export interface DeadLettersPageData {
  queues: string[];
  queue: string | undefined;
  letters: DeadLetter[] | undefined;
  /** Why there is no list (no queue yet). */
  note: string | undefined;
}

/** Replays one letter, named by its letter id (the job id for store letters). */
function replayButton(context: PageContext, queue: string | undefined, letter: DeadLetter): SafeHtml | "" {
  const id = letter.id ?? letter.jobId;
  if (!context.canAct || !queue || !id) return "";
  return actionButton("Replay", "dead-letters-replay", { queue, job: id });
}

/** The dead-letters page's main content. */
export function renderDeadLettersPage(context: PageContext, data: DeadLettersPageData): SafeHtml {
  const picker = html`<form method="get" action="${context.basePath}/dead-letters" class="search">
    <label
      >Queue
      <select name="queue">
        ${data.queues.map(
          (queue) =>
            html`<option value="${queue}" ${queue === data.queue ? html` selected` : ""}>${queue}</option>`,
        )}
      </select></label
    >
    <button type="submit">Show</button>
  </form>`;
  const body = data.letters
    ? data.letters.length === 0
      ? html`<p class="empty">No dead letters.</p>`
      : html`${
            context.canAct && data.queue
              ? html`<p class="toolbar">
                  ${actionButton("Replay all", "dead-letters-replay", { queue: data.queue })}${actionButton("Purge all", "dead-letters-purge", { queue: data.queue }, "danger")}
                </p>`
              : ""
          }
          <table class="grid">
            <thead>
              <tr>
                <th>Job</th>
                <th>Name</th>
                <th>Reason</th>
                <th>When</th>
                <th>Attempts</th>
                <th>Source</th>
                <th>Data</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              ${data.letters.map(
                (letter) =>
                  html`<tr>
                    <td>
                      ${letter.jobId && data.queue ? html`<a href="${jobPath(context.basePath, data.queue, letter.jobId)}">${letter.jobId}</a>` : "—"}
                    </td>
                    <td>${letter.name ?? "—"}</td>
                    <td class="reason">${letter.reason}</td>
                    <td>${formatTime(letter.deadLetteredAt)}</td>
                    <td class="num">${letter.attemptsMade ?? "—"}</td>
                    <td>${letter.source}</td>
                    <td><pre class="json">${formatJson(letter.data)}</pre></td>
                    <td>${replayButton(context, data.queue, letter)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    : html`<p class="notice">${data.note ?? ""}</p>`;
  return html`<h1>
      Dead letters${data.queue ? html` of <span class="queue-name">${data.queue}</span>` : ""}
    </h1>
    ${picker}${body}`;
}
