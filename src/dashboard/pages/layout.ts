// The page frame: navigation, who is signed in, and the meta tags the client script reads (base path, CSRF).
import { html, SafeHtml } from "../html.js";
import { ASSET_VERSION } from "../assets/asset-routes.js";

/** What every page knows about the request it answers. */
export interface PageContext {
  basePath: string;
  user: string | undefined;
  /** Whether this user may act (signed in as admin, dashboard not read-only). */
  canAct: boolean;
  readOnly: boolean;
  csrfToken: string | undefined;
  now: number;
}

const NAV: ReadonlyArray<[string, string]> = [
  ["/", "Overview"],
  ["/schedules", "Schedules"],
  ["/workers", "Workers"],
  ["/dead-letters", "Dead letters"],
  ["/charts", "Charts"],
  ["/audit", "Audit log"],
];

/** A full HTML document around `main`. */
export function renderLayout(context: PageContext, title: string, main: SafeHtml): SafeHtml {
  const base = context.basePath;
  const who = context.user
    ? html`signed in as <strong>${context.user}</strong>${context.canAct ? "" : " (read only)"}`
    : html`not signed in: read only`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="warren-base" content="${base}">
<meta name="warren-csrf" content="${context.csrfToken ?? ""}">
<link rel="icon" href="data:,">
<title>${title} · Warren</title>
<link rel="stylesheet" href="${base}/assets/uplot.css?v=${ASSET_VERSION}">
<link rel="stylesheet" href="${base}/assets/style.css?v=${ASSET_VERSION}">
<script src="${base}/assets/uplot.js?v=${ASSET_VERSION}" defer></script>
<script src="${base}/assets/client.js?v=${ASSET_VERSION}" defer></script>
</head>
<body${context.canAct ? new SafeHtml(" data-can-act") : ""}>
<header>
<a class="brand" href="${base}/">Warren</a>
<nav>${NAV.map(([path, label]) => html`<a href="${base}${path === "/" ? "/" : path}">${label}</a>`)}</nav>
<span class="who">${who}</span>
<span class="live" id="live" title="live updates">●</span>
</header>
<div id="toast" role="status" aria-live="polite"></div>
<main id="main" data-title="${title}">${main}</main>
</body>
</html>`;
}
