// POST /api/…: every action, each through the public Queue API, each recorded in the audit log. The access
// middleware has already checked who asks and from where.
import type { Context, Hono } from "hono";
import { ValidationError } from "../../errors/warren-error.js";
import type { JobOptions } from "../../model/job-options.js";
import type { Queue } from "../../queue/queue.js";
import type { DashboardEnv } from "../access.js";
import type { DashboardServices } from "../services.js";
import { collectFilterIds, runBulk, type BulkFilter } from "./bulk-actions.js";
import { describeError, errorResponse } from "./http-errors.js";

/** The actions one job takes. */
export const JOB_ACTIONS = ["retry", "remove", "promote", "cancel"] as const;
/** One of {@link JOB_ACTIONS}. */
export type JobAction = (typeof JOB_ACTIONS)[number];

/** Runs one job action; resolves with a short outcome for the audit log and the answer. */
export async function applyJobAction(queue: Queue, id: string, action: JobAction): Promise<string> {
  switch (action) {
    case "retry":
      return (await queue.retry(id)).state;
    case "promote":
      return (await queue.promote(id)).state;
    case "cancel":
      return await queue.cancel(id, "cancelled from the dashboard");
    case "remove":
      return (await queue.remove(id)) ? "removed" : "not-found";
  }
}

async function readBody(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  const body: unknown = JSON.parse(text);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ValidationError("INVALID_DATA", "the request body must be a JSON object");
  }
  return body as Record<string, unknown>;
}

function stringList(value: unknown, key: string): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw new ValidationError("INVALID_DATA", `${key} must be an array of job ids`);
  }
  return value;
}

/** Adds the action endpoints to `app`. */
export function addActionRoutes(app: Hono<DashboardEnv>, services: DashboardServices): void {
  /** Runs `act`, records it, and answers its result (or its error) as JSON. */
  const audited = async (
    c: Context<DashboardEnv>,
    action: string,
    target: string | undefined,
    act: () => Promise<{ outcome: string; count?: number; body: Record<string, unknown> }>,
  ): Promise<Response> => {
    const queue = c.req.param("queue");
    const user = c.get("identity")?.user ?? "anonymous";
    const at = services.backend.clock.now();
    try {
      const result = await act();
      const entry = { at, user, action, queue, target, outcome: result.outcome, count: result.count };
      services.audit.record(entry);
      services.hub.announceAudit(entry);
      return c.json({ ok: true, ...result.body });
    } catch (error) {
      const entry = { at, user, action, queue, target, outcome: `error: ${describeError(error).message}` };
      services.audit.record(entry);
      services.hub.announceAudit(entry);
      return errorResponse(c, error);
    }
  };

  for (const action of JOB_ACTIONS) {
    app.post(`/api/queues/:queue/jobs/:id/${action}`, (c) =>
      audited(c, action, c.req.param("id"), async () => {
        const outcome = await applyJobAction(
          services.queues.get(c.req.param("queue")),
          c.req.param("id"),
          action,
        );
        return { outcome, body: { outcome, message: `${action}: ${outcome}` } };
      }),
    );
    app.post(`/api/queues/:queue/bulk/${action}`, (c) =>
      audited(c, `bulk-${action}`, undefined, async () => {
        const queue = services.queues.get(c.req.param("queue"));
        const body = await readBody(c);
        const ids =
          body["filter"] !== undefined
            ? await collectFilterIds(queue, body["filter"] as BulkFilter)
            : stringList(body["ids"], "ids");
        const result = await runBulk(ids, (id) => applyJobAction(queue, id, action));
        return {
          outcome: result.failed === 0 ? "ok" : `${result.failed} failed`,
          count: result.done,
          body: { ...result, message: `${action}: ${result.done} done, ${result.failed} failed` },
        };
      }),
    );
  }

  for (const action of ["pause", "resume"] as const) {
    app.post(`/api/queues/:queue/${action}`, (c) =>
      audited(c, action, undefined, async () => {
        const queue = services.queues.get(c.req.param("queue"));
        await (action === "pause" ? queue.pause() : queue.resume());
        return { outcome: "ok", body: { message: `${queue.name}: ${action}d` } };
      }),
    );
  }

  app.post("/api/queues/:queue/jobs", (c) =>
    audited(c, "add", undefined, async () => {
      const body = await readBody(c);
      if (typeof body["name"] !== "string")
        throw new ValidationError("INVALID_DATA", "name must be a string");
      const opts = body["opts"] === undefined ? undefined : (body["opts"] as JobOptions);
      // queue.add validates name, data and options exactly as it does for any producer.
      const job = await services.queues.get(c.req.param("queue")).add(body["name"], body["data"], opts);
      return { outcome: `added ${job.id}`, body: { job: job.toJSON() } };
    }),
  );

  for (const action of ["pause", "resume", "remove"] as const) {
    app.post(`/api/queues/:queue/schedules/:key/${action}`, (c) =>
      audited(c, `schedule-${action}`, c.req.param("key"), async () => {
        const queue = services.queues.get(c.req.param("queue"));
        const key = c.req.param("key");
        if (action === "remove") {
          const removed = await queue.removeSchedule(key);
          return { outcome: removed ? "removed" : "not-found", body: { removed } };
        }
        const info = await (action === "pause" ? queue.pauseSchedule(key) : queue.resumeSchedule(key));
        return { outcome: info.paused ? "paused" : "resumed", body: { paused: info.paused } };
      }),
    );
  }

  app.post("/api/queues/:queue/dead-letters/replay", async (c) => {
    const body = await readBody(c);
    const which =
      body["all"] === true ? ({ all: true } as const) : { ids: stringList(body["ids"] ?? [], "ids") };
    return audited(c, "replay-dead-letters", "all" in which ? "all" : which.ids.join(","), async () => {
      const result = await services.queues.get(c.req.param("queue")).replayDeadLetters(which);
      return {
        outcome: "ok",
        count: result.replayed,
        body: { ...result, message: `replayed ${result.replayed}` },
      };
    });
  });

  app.post("/api/queues/:queue/dead-letters/purge", (c) =>
    audited(c, "purge-dead-letters", "all", async () => {
      const purged = await services.queues.get(c.req.param("queue")).purgeDeadLetters();
      return { outcome: "ok", count: purged, body: { purged, message: `purged ${purged}` } };
    }),
  );
}
