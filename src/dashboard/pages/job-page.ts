// One job: data, options, progress, result, logs, each attempt's failure, the flow around it, and actions.
import type { JobDetail } from "../api/read-model.js";
import { html, type SafeHtml } from "../html.js";
import {
  actionButton,
  formatDuration,
  formatJson,
  formatJsonText,
  formatTime,
  jobPath,
  queuePath,
  stateBadge,
} from "./format.js";
import type { PageContext } from "./layout.js";

function relation(context: PageContext, ref: { queue: string; id: string; state: string }): SafeHtml {
  return html`<li>
    <a href="${jobPath(context.basePath, ref.queue, ref.id)}">${ref.queue}:${ref.id}</a>
    ${stateBadge(ref.state)}
  </li>`;
}

function took(startedAt: number | undefined, finishedAt: number | undefined): string {
  return startedAt !== undefined && finishedAt !== undefined ? formatDuration(finishedAt - startedAt) : "—";
}

/** Rows from the tries the dashboard saw end; stack traces (one per failed try, oldest first) pair up in order. */
function liveAttemptRows(detail: JobDetail): SafeHtml[] {
  const stacks = detail.job.stacktrace;
  const failures = detail.attempts.filter((attempt) => attempt.outcome !== "completed").length;
  let failure = Math.max(0, stacks.length - failures);
  return detail.attempts.map((attempt, index) => {
    const stack =
      attempt.outcome === "completed" || attempt.outcome === "stalled" ? undefined : stacks[failure++];
    return html`<tr>
      <td class="num">${attempt.attempt ?? index + 1}</td>
      <td>${formatTime(attempt.startedAt)}</td>
      <td>${formatTime(attempt.finishedAt)}</td>
      <td>${took(attempt.startedAt, attempt.finishedAt)}</td>
      <td>${stateBadge(attempt.outcome)}</td>
      <td>${stack ? html`<pre class="stack">${stack}</pre>` : (attempt.reason ?? "")}</td>
    </tr>`;
  });
}

/** Rows from the record alone: every try's stack trace, and the times of the latest try. */
function recordAttemptRows(detail: JobDetail): SafeHtml[] {
  const { job } = detail;
  return Array.from({ length: Math.max(job.attemptsMade, job.stacktrace.length) }, (_, index) => {
    const isLast = index === job.attemptsMade - 1;
    return html`<tr>
      <td class="num">${index + 1}</td>
      <td>${isLast ? formatTime(job.processedAt) : "—"}</td>
      <td>${isLast ? formatTime(job.finishedAt) : "—"}</td>
      <td>${isLast ? took(job.processedAt, job.finishedAt) : "—"}</td>
      <td>${isLast ? stateBadge(job.state) : ""}</td>
      <td>
        ${job.stacktrace[index] ? html`<pre class="stack">${job.stacktrace[index]}</pre>` : isLast && job.failedReason ? job.failedReason : ""}
      </td>
    </tr>`;
  });
}

/** The job page's main content. */
export function renderJobPage(context: PageContext, detail: JobDetail): SafeHtml {
  const { job } = detail;
  const base = context.basePath;
  const attrs = { queue: job.queue, job: job.id };
  const actions = context.canAct
    ? html`<p class="toolbar">
        ${["failed", "cancelled", "expired"].includes(job.state) ? actionButton("Retry", "retry", attrs) : ""}${
          job.state === "delayed" ? actionButton("Promote", "promote", attrs) : ""
        }${["waiting", "delayed", "waiting-children", "active"].includes(job.state) ? actionButton("Cancel", "cancel", attrs) : ""}${
          job.state !== "active" ? actionButton("Remove", "remove", attrs, "danger") : ""
        }
      </p>`
    : "";
  // Tries seen live carry their own times; without them only the latest try's times are known (the record's).
  const attempts = detail.attempts.length ? liveAttemptRows(detail) : recordAttemptRows(detail);
  return html`<h1>Job <span class="job-id">${job.id}</span> ${stateBadge(job.state)}</h1>
    <p class="breadcrumbs">
      <a href="${queuePath(base, job.queue)}">${job.queue}</a> › <span class="job-name">${job.name}</span>
    </p>
    ${actions}
    <dl class="facts">
      <dt>Name</dt>
      <dd class="job-name">${job.name}</dd>
      <dt>State</dt>
      <dd>${job.state}</dd>
      <dt>Attempts</dt>
      <dd>${job.attemptsMade} of ${job.opts.attempts}</dd>
      <dt>Created</dt>
      <dd>${formatTime(job.createdAt)}</dd>
      <dt>Runs at</dt>
      <dd>${formatTime(job.runAt)}</dd>
      <dt>Started</dt>
      <dd>${formatTime(job.processedAt)}</dd>
      <dt>Finished</dt>
      <dd>${formatTime(job.finishedAt)}</dd>
      <dt>Worker</dt>
      <dd>${job.workerId ?? "—"}</dd>
      ${
        job.failedReason
          ? html`<dt>Failed reason</dt>
              <dd class="reason">${job.failedReason}</dd>`
          : ""
      }
    </dl>
    <section>
      <h2>Data</h2>
      <pre class="json">${formatJsonText(job.data)}</pre>
    </section>
    <section>
      <h2>Options</h2>
      <pre class="json">${formatJson(job.opts)}</pre>
    </section>
    <section>
      <h2>Progress</h2>
      <pre class="json">${formatJsonText(job.progress)}</pre>
    </section>
    ${
      job.returnValue !== undefined
        ? html`<section>
            <h2>Result</h2>
            <pre class="json">${formatJsonText(job.returnValue)}</pre>
          </section>`
        : ""
    }
    <section>
      <h2>Attempts</h2>
      <table class="grid">
        <thead>
          <tr>
            <th>#</th>
            <th>Started</th>
            <th>Finished</th>
            <th>Took</th>
            <th>Outcome</th>
            <th>Failure</th>
          </tr>
        </thead>
        <tbody>
          ${attempts}
        </tbody>
      </table>
      ${detail.attempts.length ? html`<p class="notice">Tries that ended while this dashboard was running.</p>` : ""}
    </section>
    <section>
      <h2>Flow</h2>
      <div class="flow">
        <p>Parent${detail.parent ? ":" : ": none (not a child in a flow)"}</p>
        ${
          detail.parent
            ? html`<ul>
                ${relation(context, detail.parent)}
              </ul>`
            : ""
        }
        <p>Children, the jobs it waits for (${detail.children.length})${detail.children.length ? ":" : ""}</p>
        ${
          detail.children.length
            ? html`<ul>
                ${detail.children.map((child) => relation(context, child))}
              </ul>`
            : ""
        }
      </div>
    </section>
    <section>
      <h2>Logs (${detail.logCount})</h2>
      <pre class="logs">${detail.logs.join("\n")}</pre>
    </section>`;
}
