// createDashboard: the web dashboard as one Node (req, res) handler (and a fetch function), mountable at any
// path in plain http, Express, Fastify or Hono. Built on a small Hono app; every read and action goes
// through the public Queue API and the backend's batched reads.
import { getRequestListener } from "@hono/node-server";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { identify, requireActor, type DashboardEnv } from "./access.js";
import { addActionRoutes } from "./api/action-routes.js";
import { errorResponse } from "./api/http-errors.js";
import { addReadRoutes } from "./api/read-routes.js";
import { findAsset } from "./assets/asset-routes.js";
import { AttemptHistory } from "./attempt-history.js";
import { AuditLog, type AuditEntry } from "./audit-log.js";
import { CsrfTokens } from "./csrf.js";
import { resolveDashboardOptions, type DashboardOptions } from "./dashboard-options.js";
import { ASSET_CACHE, SECURITY_HEADERS } from "./headers.js";
import { html } from "./html.js";
import { LiveStats } from "./live-stats.js";
import { addPageRoutes } from "./pages/page-routes.js";
import { QueueHandles } from "./queue-handles.js";
import type { DashboardServices } from "./services.js";
import { EventHub } from "./sse.js";

/** Largest action body: a job's data plus room for its options. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** A running dashboard. */
export interface Dashboard {
  /** The Node handler: `http.createServer(dashboard.handler)`, `app.use("/queues", dashboard.handler)`. */
  readonly handler: (request: IncomingMessage, response: ServerResponse) => void;
  /** The same app as a fetch function (web Request → Response), for Hono's `app.mount` and other fetch hosts. */
  readonly fetch: (request: Request) => Promise<Response>;
  /** Listens to every action as the audit log records it. */
  onAudit(listener: (entry: AuditEntry) => void): () => void;
  /** Ends every live stream and the event subscription (the backend stays open). Idempotent. */
  close(): Promise<void>;
}

/** The request path with the mount path taken off, whether or not the host framework already took it off. */
function pathWithin(basePath: string, request: Request): string {
  const url = request.url;
  const start = url.indexOf("/", url.indexOf("://") + 3);
  const query = url.indexOf("?", start);
  const path = start < 0 ? "/" : query < 0 ? url.slice(start) : url.slice(start, query);
  if (basePath && (path === basePath || path.startsWith(`${basePath}/`)))
    return path.slice(basePath.length) || "/";
  return path;
}

/**
 * Creates the dashboard. Without `auth`, reads are open and every action answers 401.
 * @example
 * const dashboard = createDashboard({ backend, basePath: "/admin/queues", auth: { token: process.env.TOKEN! } });
 * http.createServer(dashboard.handler).listen(3000, "127.0.0.1");
 */
export function createDashboard(options: DashboardOptions): Dashboard {
  const resolved = resolveDashboardOptions(options);
  const backend = resolved.backend;
  const logger = backend.logger.child({ component: "dashboard" });
  const stats = new LiveStats();
  const attempts = new AttemptHistory();
  const services: DashboardServices = {
    options: resolved,
    backend,
    queues: new QueueHandles(backend),
    stats,
    attempts,
    audit: new AuditLog(resolved.auditLimit, logger),
    csrf: new CsrfTokens(resolved.secret),
    hub: new EventHub(backend, (event) => {
      stats.record(event);
      attempts.record(event);
    }),
  };
  // Followed from the start, so the charts have figures before the first page is opened.
  services.hub
    .start()
    .catch((error: unknown) => logger.warn({ err: error }, "dashboard: could not follow queue events"));

  const app = new Hono<DashboardEnv>({ getPath: (request) => pathWithin(resolved.basePath, request) });
  app.use(async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
  });
  app.get("/assets/:name", (c) => {
    const asset = findAsset(c.req.param("name"));
    if (!asset) return c.text("no such asset", 404);
    return c.body(asset.body, 200, { "content-type": asset.contentType, "cache-control": ASSET_CACHE });
  });
  app.use(identify(services));
  app.on(
    ["POST", "PUT", "PATCH", "DELETE"],
    "*",
    requireActor(services),
    bodyLimit({ maxSize: MAX_BODY_BYTES }),
  );
  addReadRoutes(app, services);
  addActionRoutes(app, services);
  addPageRoutes(app, services);
  app.notFound((c) =>
    c.req.path.startsWith("/api/")
      ? c.json({ error: { code: "NOT_FOUND", message: `no endpoint ${c.req.method} ${c.req.path}` } }, 404)
      : c.html(
          html`<!doctype html><title>Not found</title>
            <p>No page ${c.req.path}. <a href="${resolved.basePath}/">Overview</a></p>`.text,
          404,
        ),
  );
  app.onError((error, c) => {
    const response = errorResponse(c, error);
    if (response.status >= 500) logger.error({ err: error, path: c.req.path }, "dashboard: request failed");
    return response;
  });

  const fetch = (request: Request): Promise<Response> => Promise.resolve(app.fetch(request));
  const listener = getRequestListener((request) => app.fetch(request));
  let closing: Promise<void> | undefined;
  return {
    handler: (request, response) => {
      listener(request, response).catch((error: unknown) =>
        logger.error({ err: error }, "dashboard: could not answer a request"),
      );
    },
    fetch,
    onAudit: (listener) => {
      services.audit.on("audit", listener);
      return () => services.audit.off("audit", listener);
    },
    close: () => (closing ??= services.hub.close()),
  };
}
