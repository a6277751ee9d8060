// GET /api/…: the JSON read surface (see docs/operations/dashboard.md). Every answer is a fresh read.
import type { Hono } from "hono";
import type { DashboardEnv } from "../access.js";
import type { DashboardServices } from "../services.js";
import {
  parseJobQuery,
  readJob,
  readJobs,
  readQueues,
  readSchedules,
  readStats,
  readWorkers,
} from "./read-model.js";

const DEAD_LETTER_PAGE = 100;

/** Adds the read endpoints to `app`. */
export function addReadRoutes(app: Hono<DashboardEnv>, services: DashboardServices): void {
  const now = (): number => services.backend.clock.now();
  app.get("/api/queues", async (c) => c.json(await readQueues(services, now())));
  app.get("/api/queues/:queue/jobs", async (c) => {
    return c.json(
      await readJobs(
        services,
        c.req.param("queue"),
        parseJobQuery((key) => c.req.query(key)),
      ),
    );
  });
  app.get("/api/queues/:queue/jobs/:id", async (c) =>
    c.json(await readJob(services, c.req.param("queue"), c.req.param("id"))),
  );
  app.get("/api/queues/:queue/dead-letters", async (c) => {
    const query = parseJobQuery((key) => c.req.query(key));
    return c.json(
      await services.queues.get(c.req.param("queue")).getDeadLetters({
        offset: query.offset,
        limit: c.req.query("limit") ? query.limit : DEAD_LETTER_PAGE,
      }),
    );
  });
  app.get("/api/schedules", async (c) => c.json(await readSchedules(services)));
  app.get("/api/workers", async (c) => c.json(await readWorkers(services, now())));
  app.get("/api/stats", (c) => c.json(readStats(services, now(), c.req.query("queue") || undefined)));
  app.get("/api/audit", (c) => c.json(services.audit.list()));
  app.get("/api/session", (c) => {
    const identity = c.get("identity");
    return c.json({
      user: identity?.user ?? null,
      role: identity?.role ?? null,
      readOnly: services.options.readOnly,
      csrfToken: identity ? services.csrf.tokenFor(identity.user) : null,
    });
  });
  app.get("/api/events", async () => {
    await services.hub.start();
    return new Response(services.hub.stream(), {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      },
    });
  });
}
