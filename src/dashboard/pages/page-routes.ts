// GET of every page: server-rendered HTML. With `x-warren-fragment: main` only the <main> content is sent,
// which is how the client script refreshes a page without reloading it.
import type { Context, Hono } from "hono";
import { JOB_STATES } from "../../model/job-state.js";
import { canAct, type DashboardEnv } from "../access.js";
import {
  parseJobQuery,
  readJob,
  readJobs,
  readQueues,
  readSchedules,
  readStats,
  readWorkers,
} from "../api/read-model.js";
import { describeError } from "../api/http-errors.js";
import { html, type SafeHtml } from "../html.js";
import type { DashboardServices } from "../services.js";
import { renderAuditPage } from "./audit-page.js";
import { renderChartsPage } from "./charts-page.js";
import { renderDeadLettersPage } from "./dead-letters-page.js";
import { renderJobPage } from "./job-page.js";
import { renderLayout, type PageContext } from "./layout.js";
import { renderOverview } from "./overview-page.js";
import { renderQueuePage } from "./queue-page.js";
import { renderSchedulesPage } from "./schedules-page.js";
import { renderWorkersPage } from "./workers-page.js";

/** The request header that asks for the main content only. */
export const FRAGMENT_HEADER = "x-warren-fragment";
const DEAD_LETTER_PAGE = 100;

function param(c: Context<DashboardEnv>, name: string): string {
  return c.req.param(name) ?? "";
}

/** Adds the HTML pages to `app`. */
export function addPageRoutes(app: Hono<DashboardEnv>, services: DashboardServices): void {
  const contextOf = (c: Context<DashboardEnv>): PageContext => {
    const identity = c.get("identity");
    return {
      basePath: services.options.basePath,
      user: identity?.user,
      canAct: canAct(services, identity),
      readOnly: services.options.readOnly,
      csrfToken: identity ? services.csrf.tokenFor(identity.user) : undefined,
      now: services.backend.clock.now(),
    };
  };

  /** Renders a page, or the error that stopped it, as a whole document or as the main fragment. */
  const page = (
    title: (c: Context<DashboardEnv>) => string,
    build: (context: PageContext, c: Context<DashboardEnv>) => Promise<SafeHtml>,
  ) => {
    return async (c: Context<DashboardEnv>): Promise<Response> => {
      const context = contextOf(c);
      let main: SafeHtml;
      let status: 200 | 400 | 404 | 500 | 501 | 503 | 409 = 200;
      try {
        main = await build(context, c);
      } catch (error) {
        const described = describeError(error);
        status = described.status as typeof status;
        main = html`<h1>Error</h1>
          <p class="notice error-message">${described.message}</p>`;
      }
      c.header("cache-control", "no-store");
      if (c.req.header(FRAGMENT_HEADER) === "main") return c.html(main.text, status);
      return c.html(renderLayout(context, title(c), main).text, status);
    };
  };

  app.get(
    "/",
    page(
      () => "Queues",
      async (context) => renderOverview(context, await readQueues(services, context.now)),
    ),
  );

  app.get(
    "/queues/:queue",
    page(
      (c) => param(c, "queue"),
      async (context, c) => {
        const name = param(c, "queue");
        const query = parseJobQuery((key) => c.req.query(key));
        const [snapshot] = await services.backend.snapshotQueues([services.queues.get(name).name]);
        const found = await readJobs(services, name, query);
        return renderQueuePage(context, {
          queue: name,
          paused: snapshot?.paused ?? false,
          counts: snapshot?.counts ?? (Object.fromEntries(JOB_STATES.map((state) => [state, 0])) as never),
          query,
          page: found,
        });
      },
    ),
  );

  app.get(
    "/queues/:queue/jobs/:id",
    page(
      (c) => `${param(c, "queue")} / ${param(c, "id")}`,
      async (context, c) =>
        renderJobPage(context, await readJob(services, param(c, "queue"), param(c, "id"))),
    ),
  );

  app.get(
    "/schedules",
    page(
      () => "Schedules",
      async (context) => renderSchedulesPage(context, await readSchedules(services)),
    ),
  );

  app.get(
    "/workers",
    page(
      () => "Workers",
      async (context) => renderWorkersPage(context, await readWorkers(services, context.now)),
    ),
  );

  app.get(
    "/dead-letters",
    page(
      () => "Dead letters",
      async (context, c) => {
        const queues = await services.queues.names();
        const queue = c.req.query("queue") || queues[0];
        if (queue === undefined) {
          return renderDeadLettersPage(context, {
            queues,
            queue,
            letters: undefined,
            note: "No queues yet.",
          });
        }
        const found = await services.queues.get(queue).getDeadLetters({
          offset: 0,
          limit: DEAD_LETTER_PAGE,
        });
        return renderDeadLettersPage(context, {
          queues,
          queue,
          letters: found,
          note: undefined,
        });
      },
    ),
  );

  app.get(
    "/charts",
    page(
      () => "Charts",
      async (context, c) => {
        const queue = c.req.query("queue") || undefined;
        return renderChartsPage(
          context,
          await services.queues.names(),
          queue,
          readStats(services, context.now, queue),
        );
      },
    ),
  );

  app.get(
    "/audit",
    page(
      () => "Audit log",
      (context) => Promise.resolve(renderAuditPage(context, services.audit.list())),
    ),
  );
}
