// One queue: its jobs by state, newest first, paginated and searchable, with single and bulk actions and a
// form to add a job.
import { JOB_STATES, type JobState } from "../../model/job-state.js";
import type { JobPage, JobQuery } from "../api/read-model.js";
import { html, type SafeHtml } from "../html.js";
import { actionButton, formatTime, jobPath, queuePath, stateBadge } from "./format.js";
import type { PageContext } from "./layout.js";

/** What the queue page shows. */
export interface QueuePageData {
  queue: string;
  paused: boolean;
  counts: Record<JobState, number>;
  query: JobQuery;
  page: JobPage;
}

const BULK_ACTIONS = ["retry", "promote", "cancel", "remove"] as const;

function pageLink(context: PageContext, data: QueuePageData, offset: number, label: string): SafeHtml {
  const params = new URLSearchParams();
  if (data.query.state) params.set("state", data.query.state);
  if (data.query.search) params.set("search", data.query.search);
  params.set("offset", String(offset));
  params.set("limit", String(data.query.limit));
  return html`<a href="${queuePath(context.basePath, data.queue, `?${params.toString()}`)}">${label}</a>`;
}

function jobActions(context: PageContext, queue: string, id: string, state: JobState): SafeHtml {
  if (!context.canAct) return html``;
  const attrs = { queue, job: id };
  return html`${state === "failed" || state === "cancelled" || state === "expired" ? actionButton("Retry", "retry", attrs) : ""}${
    state === "delayed" ? actionButton("Promote", "promote", attrs) : ""
  }${state === "waiting" || state === "delayed" || state === "waiting-children" || state === "active" ? actionButton("Cancel", "cancel", attrs) : ""}${
    state !== "active" ? actionButton("Remove", "remove", attrs, "danger") : ""
  }`;
}

/** The queue page's main content. */
export function renderQueuePage(context: PageContext, data: QueuePageData): SafeHtml {
  const base = context.basePath;
  const { query, page } = data;
  // A tab keeps the search, so narrowing a search to one state is one click.
  const searchParam = query.search ? `search=${encodeURIComponent(query.search)}` : "";
  const tabs = html`<nav class="tabs">
    <a
      href="${queuePath(base, data.queue, searchParam ? `?${searchParam}` : "")}"
      ${query.state ? "" : html` class="current"`}
      >all</a
    >${JOB_STATES.map(
      (state) =>
        html`<a
          href="${queuePath(base, data.queue, `?state=${state}${searchParam ? `&${searchParam}` : ""}`)}"
          ${query.state === state ? html` class="current"` : ""}
          >${state} <span class="count">${data.counts[state]}</span></a
        >`,
    )}
  </nav>`;
  const search = html`<form class="search" method="get" action="${queuePath(base, data.queue)}">
    ${query.state ? html`<input type="hidden" name="state" value="${query.state}" />` : ""}
    <input
      type="search"
      name="search"
      value="${query.search}"
      placeholder="search id, name or data"
      aria-label="search jobs"
    />
    <button type="submit">Search</button>
  </form>`;
  const filterLabel = `${query.state ? `${query.state} ` : ""}job(s)${query.search ? ` matching "${query.search}"` : ""}`;
  const bulk = context.canAct
    ? html`<div
        class="bulk"
        data-queue="${data.queue}"
        data-state="${query.state ?? ""}"
        data-search="${query.search}"
        data-total="${page.total}"
      >
        <span>Selected:</span
        >${BULK_ACTIONS.map((action) => html`<button type="button" class="bulk-act" data-bulk="${action}">${action}</button>`)}
        <span>All ${page.total} ${filterLabel}:</span
        >${BULK_ACTIONS.map((action) => html`<button type="button" class="bulk-act" data-bulk-filter="${action}">${action} all</button>`)}
      </div>`
    : "";
  const rows = page.jobs.map(
    (job) =>
      html`<tr data-job="${job.id}">
        ${context.canAct ? html`<td><input type="checkbox" name="job" value="${job.id}" aria-label="select job" /></td>` : ""}
        <td><a href="${jobPath(base, data.queue, job.id)}">${job.id}</a></td>
        <td class="job-name">${job.name}</td>
        <td>${stateBadge(job.state)}</td>
        <td class="num">${job.attemptsMade}</td>
        <td>${formatTime(job.createdAt)}</td>
        <td>${formatTime(job.finishedAt)}</td>
        <td class="reason">${job.failedReason ?? ""}</td>
        <td class="actions">${jobActions(context, data.queue, job.id, job.state)}</td>
      </tr>`,
  );
  const truncated = page.truncated
    ? html`<p class="notice">
        The search looked at the newest jobs only: narrow the state or the text to see older ones.
      </p>`
    : "";
  const pager = html`<p class="pager">
      ${query.offset > 0 ? pageLink(context, data, Math.max(0, query.offset - query.limit), "← newer") : ""}
      <span
        >${page.total === 0 ? "no jobs" : `${query.offset + 1}–${query.offset + page.jobs.length} of ${page.total}${page.truncated ? "+" : ""}`}</span
      >
      ${query.offset + page.jobs.length < page.total ? pageLink(context, data, query.offset + query.limit, "older →") : ""}
    </p>
    ${truncated}`;
  const queueAction = context.canAct
    ? data.paused
      ? actionButton("Resume queue", "resume", { queue: data.queue })
      : actionButton("Pause queue", "pause", { queue: data.queue })
    : "";
  const addForm = context.canAct
    ? html`<details class="add-job">
        <summary>Add a job</summary>
        <form data-form="add-job" data-queue="${data.queue}">
          <label>Name <input name="name" required /></label>
          <label>Data (JSON) <textarea name="data" rows="3">{}</textarea></label>
          <label>Options (JSON) <textarea name="opts" rows="2">{}</textarea></label>
          <button type="submit">Add</button>
        </form>
      </details>`
    : "";
  return html`<h1>
      Queue
      <span class="queue-name">${data.queue}</span
      >${data.paused ? html` <span class="paused">paused</span>` : ""}
    </h1>
    <p class="toolbar">
      ${queueAction} <a href="${base}/dead-letters?queue=${encodeURIComponent(data.queue)}">dead letters</a> ·
      <a href="${base}/charts?queue=${encodeURIComponent(data.queue)}">charts</a>
    </p>
    ${tabs}${search}${bulk}
    <table class="grid jobs">
      <thead>
        <tr>
          ${context.canAct ? html`<th><input type="checkbox" data-select-all aria-label="select all" /></th>` : ""}
          <th>Id</th>
          <th>Name</th>
          <th>State</th>
          <th>Attempts</th>
          <th>Created</th>
          <th>Finished</th>
          <th>Reason</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
    ${pager}${addForm}`;
}
