// The dashboard over HTTP against a real Redis backend: every page and API answer, who may read and act, the
// cross-site and CSRF refusals, the CSP, escaping, an action that really changes a job, live events, and the
// handler mounted under a path in plain http and in Hono.
import { randomBytes } from "node:crypto";
import { createServer, type RequestListener, type Server } from "node:http";
import { getRequestListener } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Queue, RedisBackend, Worker } from "../../../src/index.js";
import { createDashboard, type AuditEntry, type Dashboard } from "../../../src/dashboard/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const XSS_NAME = "<img src=x onerror=alert(1)>";
const BASE = "/ops/queues";
const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const ADMIN = basic("ada", "s3cret");

async function serve(listener: RequestListener): Promise<{ server: Server; origin: string }> {
  const server = createServer(listener);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { server, origin: `http://127.0.0.1:${port}` };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((done) => server.close(() => done()));
}

const redis = await requireService("redis");

describe.runIf(redis)("the dashboard over HTTP (real Redis)", () => {
  const prefix = `wd-${randomBytes(4).toString("hex")}`;
  const backend = new RedisBackend({ url: SERVICE_URLS.redis, prefix });
  const queue = new Queue<{ flaky?: boolean }>("orders", { backend });
  const seen = new Set<string>();
  let worker: Worker<{ flaky?: boolean }>;
  let dashboard: Dashboard;
  let main: { server: Server; origin: string };
  const audits: AuditEntry[] = [];
  let failedId: string;
  let xssId: string;
  const url = (path: string): string => `${main.origin}${BASE}${path}`;
  const get = (path: string, authorization: string | null = ADMIN): Promise<Response> =>
    fetch(url(path), { headers: authorization ? { authorization } : {} });
  let csrf: string;
  const act = (path: string, body: unknown = {}, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(url(path), {
      method: "POST",
      headers: {
        authorization: ADMIN,
        "content-type": "application/json",
        "x-warren-csrf": csrf,
        ...headers,
      },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    worker = new Worker<{ flaky?: boolean }>(
      queue.name,
      (job) => {
        // Fails the first try of a flaky job only: a retry from the dashboard then completes it.
        if (job.data.flaky && !seen.has(job.id)) {
          seen.add(job.id);
          throw new Error("first try fails");
        }
      },
      { backend, concurrency: 2 },
    );
    dashboard = createDashboard({ backend, basePath: BASE, auth: { users: { ada: "s3cret" } } });
    dashboard.onAudit((entry) => audits.push(entry));
    main = await serve(dashboard.handler);
    failedId = (await queue.add("flaky", { flaky: true }, { attempts: 1 })).id;
    await waitFor(async () => (await queue.getJob(failedId))?.state === "failed");
    xssId = (await queue.add(XSS_NAME, {}, { delay: 3_600_000 })).id;
    const session = (await (await get("/api/session")).json()) as { csrfToken: string };
    csrf = session.csrfToken;
  });

  afterAll(async () => {
    await worker?.close();
    await dashboard?.close();
    if (main) await closeServer(main.server);
    await queue.obliterate({ force: true });
    await backend.close();
  });

  it("answers every page with 200 and HTML that loads only the handler's own script and CSS", async () => {
    const pages = [
      "/",
      "/queues/orders",
      "/queues/orders?state=failed",
      `/queues/orders/jobs/${encodeURIComponent(failedId)}`,
      "/schedules",
      "/workers",
      "/dead-letters",
      "/charts",
      "/audit",
    ];
    for (const page of pages) {
      const response = await get(page);
      expect(response.status, page).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
      const text = await response.text();
      expect(text).toContain(`<script src="${BASE}/assets/client.js?v=`);
      // No inline script anywhere: every <script> tag has a src.
      expect(text.match(/<script(?![^>]*\ssrc=)[^>]*>/g)).toBeNull();
      expect(Buffer.byteLength(text)).toBeLessThan(300 * 1024);
    }
    // What a page loads besides its HTML: all of it from the handler, and a page stays well under 300 KB.
    let assetBytes = 0;
    for (const asset of ["client.js", "style.css", "uplot.js", "uplot.css"]) {
      const response = await get(`/assets/${asset}`, null);
      expect(response.status, asset).toBe(200);
      expect(response.headers.get("cache-control")).toContain("max-age=");
      assetBytes += (await response.arrayBuffer()).byteLength;
    }
    const charts = Buffer.byteLength(await (await get("/charts")).text());
    expect(charts + assetBytes).toBeLessThan(300 * 1024);
  });

  it("sends a strict Content-Security-Policy and no-sniff on pages and API answers", async () => {
    for (const path of ["/", "/api/queues"]) {
      const response = await get(path);
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  it("renders a job named like an HTML tag as text, escaped", async () => {
    for (const page of ["/queues/orders?state=delayed", `/queues/orders/jobs/${encodeURIComponent(xssId)}`]) {
      const text = await (await get(page)).text();
      expect(text).toContain("&lt;img src=x onerror=alert(1)&gt;");
      expect(text).not.toContain(XSS_NAME);
    }
  });

  it("answers the JSON API in the documented shapes", async () => {
    const queues = (await (await get("/api/queues")).json()) as Array<Record<string, unknown>>;
    const orders = queues.find((entry) => entry["queue"] === "orders");
    expect(orders).toMatchObject({ queue: "orders", paused: false });
    expect(orders?.["counts"]).toMatchObject({ failed: 1, delayed: 1 });

    const page = (await (await get("/api/queues/orders/jobs?state=failed&limit=10")).json()) as {
      jobs: Array<{ id: string; state: string }>;
      total: number;
    };
    expect(page.total).toBe(1);
    expect(page.jobs.map((job) => job.id)).toEqual([failedId]);

    const detail = (await (await get(`/api/queues/orders/jobs/${encodeURIComponent(failedId)}`)).json()) as {
      job: { id: string; state: string; failedReason: string };
      logs: string[];
      children: unknown[];
    };
    expect(detail.job).toMatchObject({ id: failedId, state: "failed", failedReason: "first try fails" });
    expect(detail.children).toEqual([]);

    expect((await get("/api/queues/orders/jobs/nope")).status).toBe(404);
    expect((await get("/api/queues/orders/jobs?state=bogus")).status).toBe(400);
    expect(Array.isArray(await (await get("/api/schedules")).json())).toBe(true);
    const workers = (await (await get("/api/workers")).json()) as Array<{ queues: string[]; health: string }>;
    expect(workers.some((entry) => entry.queues.includes("orders") && entry.health === "ok")).toBe(true);
    const search = (await (await get("/api/queues/orders/jobs?search=FLAKY")).json()) as { total: number };
    expect(search.total).toBe(1);
    expect((await get("/api/queues/orders/jobs?search=x&state=nope")).status).toBe(400);
    const letters = (await (await get("/api/queues/orders/dead-letters")).json()) as Array<{
      jobId?: string;
    }>;
    expect(letters.map((letter) => letter.jobId)).toEqual([failedId]);
  });

  it("refuses reads without credentials (401 with a Basic challenge) and with wrong ones", async () => {
    for (const authorization of [null, basic("ada", "wrong"), basic("eve", "s3cret"), "Bearer s3cret"]) {
      const response = await get("/api/queues", authorization);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Basic/);
    }
    const page = await get("/", null);
    expect(page.status).toBe(401);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect((await get("/api/events", null)).status).toBe(401);
  });

  it("refuses cross-site actions and Basic-authenticated actions without the CSRF token", async () => {
    const cross = await act("/api/queues/orders/pause", {}, { origin: "https://evil.example" });
    expect(cross.status).toBe(403);
    expect(((await cross.json()) as { error: { code: string } }).error.code).toBe("CROSS_SITE");
    expect((await act("/api/queues/orders/pause", {}, { "sec-fetch-site": "cross-site" })).status).toBe(403);
    const noToken = await act("/api/queues/orders/pause", {}, { "x-warren-csrf": "" });
    expect(noToken.status).toBe(403);
    expect(((await noToken.json()) as { error: { code: string } }).error.code).toBe("CSRF");
    expect(await queue.isPaused()).toBe(false);
  });

  it("pauses and resumes a queue for a signed-in admin from the same origin", async () => {
    expect(
      (await act("/api/queues/orders/pause", {}, { origin: main.origin, "sec-fetch-site": "same-origin" }))
        .status,
    ).toBe(200);
    expect(await queue.isPaused()).toBe(true);
    expect((await act("/api/queues/orders/resume")).status).toBe(200);
    expect(await queue.isPaused()).toBe(false);
  });

  it("retries a failed job for an authenticated admin, and the job then completes", async () => {
    const response = await act(`/api/queues/orders/jobs/${encodeURIComponent(failedId)}/retry`);
    expect(response.status).toBe(200);
    await waitFor(async () => (await queue.getJob(failedId))?.state === "completed");
    // The job page lists the try the dashboard saw end, with its own start and finish.
    const tries = await waitFor(async () => {
      const detail = (await (
        await get(`/api/queues/orders/jobs/${encodeURIComponent(failedId)}`)
      ).json()) as {
        attempts: Array<{ outcome: string; startedAt?: number; finishedAt: number }>;
      };
      return detail.attempts.some((attempt) => attempt.outcome === "completed") ? detail.attempts : undefined;
    });
    const completed = tries.find((attempt) => attempt.outcome === "completed")!;
    expect(completed.startedAt).toBeLessThanOrEqual(completed.finishedAt);
    // The charts count it too: one figure per minute of the last hour.
    const stats = (await (await get("/api/stats?queue=orders")).json()) as Array<{
      completed: number;
      runP50: number | null;
    }>;
    expect(stats).toHaveLength(60);
    expect(stats.reduce((sum, minute) => sum + minute.completed, 0)).toBeGreaterThanOrEqual(1);
    expect(stats.some((minute) => minute.runP50 !== null)).toBe(true);
    const entry = audits.find((audit) => audit.action === "retry" && audit.target === failedId);
    expect(entry).toMatchObject({ user: "ada", queue: "orders", outcome: "waiting" });
    const log = (await (await get("/api/audit")).json()) as AuditEntry[];
    expect(log.some((audit) => audit.action === "retry" && audit.target === failedId)).toBe(true);
    expect(await (await get("/audit")).text()).toContain(failedId);
  });

  it("adds a job from the form's JSON, validated as queue.add validates it", async () => {
    const bad = await act("/api/queues/orders/jobs", { name: "x", data: {}, opts: { priority: 0 } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/priority/);
    const good = await act("/api/queues/orders/jobs", {
      name: "from-form",
      data: { n: 1 },
      opts: { delay: 60_000 },
    });
    expect(good.status).toBe(200);
    const { job } = (await good.json()) as { job: { id: string } };
    expect((await queue.getJob(job.id))?.state).toBe("delayed");
  });

  it("acts in bulk on a selection and on the current filter", async () => {
    const ids = await Promise.all(
      [1, 2, 3].map(async (n) => (await queue.add(`bulk-${n}`, {}, { delay: 3_600_000 })).id),
    );
    const selected = await act("/api/queues/orders/bulk/promote", { ids: ids.slice(0, 1) });
    expect(await selected.json()).toMatchObject({ done: 1, failed: 0 });
    await waitFor(async () => (await queue.getJob(ids[0]!))?.state === "completed");
    const delayed = (await queue.getJobCounts("delayed")).delayed;
    const filtered = await act("/api/queues/orders/bulk/remove", { filter: { state: "delayed" } });
    expect(await filtered.json()).toMatchObject({ done: delayed, failed: 0 });
    expect((await queue.getJobCounts("delayed")).delayed).toBe(0);
    const entry = audits.find((audit) => audit.action === "bulk-remove");
    expect(entry).toMatchObject({ count: delayed, user: "ada" });

    const tagged = await Promise.all(
      ["a", "b"].map(async (tag) => (await queue.add(`tagged-${tag}`, {}, { delay: 3_600_000 })).id),
    );
    const untagged = (await queue.add("plain", {}, { delay: 3_600_000 })).id;
    const bySearch = await act("/api/queues/orders/bulk/remove", {
      filter: { state: "delayed", search: "tagged-" },
    });
    expect(await bySearch.json()).toMatchObject({ done: 2, failed: 0 });
    for (const id of tagged) expect(await queue.getJob(id)).toBeUndefined();
    expect((await queue.getJob(untagged))?.state).toBe("delayed");
    await queue.remove(untagged);
  });

  it("lists schedules with their next runs, and pauses, resumes and removes one", async () => {
    await queue.schedule("nightly", { cron: "0 3 * * *", tz: "Europe/Oslo" }, { name: "report", data: {} });
    const schedules = (await (await get("/api/schedules")).json()) as Array<{
      queue: string;
      key: string;
      pattern: string;
      tz: string;
      paused: boolean;
      nextRuns: number[];
    }>;
    const nightly = schedules.find((entry) => entry.key === "nightly");
    expect(nightly).toMatchObject({
      queue: "orders",
      pattern: "0 3 * * *",
      tz: "Europe/Oslo",
      paused: false,
    });
    expect(nightly!.nextRuns).toHaveLength(3);
    expect(nightly!.nextRuns[1]! - nightly!.nextRuns[0]!).toBeGreaterThanOrEqual(23 * 3_600_000);
    expect(await (await get("/schedules")).text()).toContain("Europe/Oslo");

    expect((await act("/api/queues/orders/schedules/nightly/pause")).status).toBe(200);
    expect((await queue.getSchedules())[0]?.paused).toBe(true);
    expect((await act("/api/queues/orders/schedules/nightly/resume")).status).toBe(200);
    expect((await queue.getSchedules())[0]?.paused).toBe(false);
    expect(await (await act("/api/queues/orders/schedules/nightly/remove")).json()).toMatchObject({
      removed: true,
    });
    expect(await queue.getSchedules()).toEqual([]);
    expect((await act("/api/queues/orders/schedules/nightly/pause")).status).toBe(404);
  });

  it("pushes a job's transitions over Server-Sent Events", async () => {
    const response = await fetch(url("/api/events"), { headers: { authorization: ADMIN } });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    const readUntilText = async (wanted: string): Promise<void> => {
      while (!text.includes(wanted)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before ${wanted}`);
        text += decoder.decode(value, { stream: true });
      }
    };
    await readUntilText("event: hello");
    const job = await queue.add("live", {});
    await readUntilText(`"jobId":"${job.id}"`);
    await reader.cancel();
    const seenText = text;
    expect(seenText).toMatch(
      new RegExp(`event: change\\ndata: \\{"queue":"orders","event":"[a-z-]+","jobId":"${job.id}"`),
    );
  });

  it("searches a queue's jobs through the API and the queue page", async () => {
    const needle = `needle-${randomBytes(3).toString("hex")}`;
    const job = await queue.add(`find ${needle}`, {}, { delay: 3_600_000 });
    const found = (await (await get(`/api/queues/orders/jobs?search=${needle}`)).json()) as {
      jobs: Array<{ id: string }>;
      total: number;
    };
    expect(found.total).toBe(1);
    expect(found.jobs.map((entry) => entry.id)).toEqual([job.id]);
    const page = await (await get(`/queues/orders?search=${needle}`)).text();
    expect(page).toContain(`find ${needle}`);
    await queue.remove(job.id);
  });

  it("lists, replays and purges dead letters", async () => {
    const dead = await queue.add("flaky", { flaky: true }, { attempts: 1 });
    await waitFor(async () => (await queue.getJob(dead.id))?.state === "failed");
    const letters = (await (await get("/api/queues/orders/dead-letters")).json()) as Array<{
      id: string;
      jobId?: string;
      reason: string;
    }>;
    const letter = letters.find((entry) => entry.jobId === dead.id);
    expect(letter).toMatchObject({ reason: "first try fails" });
    expect(await (await get("/dead-letters?queue=orders")).text()).toContain(dead.id);
    const replay = await act("/api/queues/orders/dead-letters/replay", { ids: [letter!.id] });
    expect(await replay.json()).toMatchObject({ replayed: 1 });
    await waitFor(async () => (await queue.getJob(dead.id))?.state === "completed");
    const purge = await act("/api/queues/orders/dead-letters/purge");
    expect(purge.status).toBe(200);
    expect(await (await get("/api/queues/orders/dead-letters")).json()).toEqual([]);
    expect(audits.some((entry) => entry.action === "replay-dead-letters" && entry.count === 1)).toBe(true);
  });

  describe("without auth, read-only, or as a viewer", () => {
    let open: Dashboard;
    let readOnly: Dashboard;
    let viewers: Dashboard;
    const servers: Array<{ server: Server; origin: string }> = [];

    beforeAll(async () => {
      open = createDashboard({ backend });
      readOnly = createDashboard({ backend, auth: { token: "tok" }, readOnly: true });
      viewers = createDashboard({
        backend,
        auth: (request) =>
          Promise.resolve(
            request.headers.get("authorization") === "Bearer look" ? { user: "vic", role: "viewer" } : null,
          ),
      });
      for (const each of [open, readOnly, viewers]) servers.push(await serve(each.handler));
    });

    afterAll(async () => {
      for (const each of [open, readOnly, viewers]) await each.close();
      for (const { server } of servers) await closeServer(server);
    });

    it("reads are open and every action answers 401 when no auth is set", async () => {
      expect((await fetch(`${servers[0]!.origin}/api/queues`)).status).toBe(200);
      expect((await fetch(`${servers[0]!.origin}/`)).status).toBe(200);
      const response = await fetch(`${servers[0]!.origin}/api/queues/orders/pause`, { method: "POST" });
      expect(response.status).toBe(401);
      // The page offers no action it would refuse.
      const page = await (await fetch(`${servers[0]!.origin}/queues/orders?state=delayed`)).text();
      expect(page).toContain("not signed in: read only");
      expect(page).not.toContain("data-action=");
    });

    it("a read-only dashboard answers 403 to an authenticated action", async () => {
      const response = await fetch(`${servers[1]!.origin}/api/queues/orders/pause`, {
        method: "POST",
        headers: { authorization: "Bearer tok" },
      });
      expect(response.status).toBe(403);
      expect(await queue.isPaused()).toBe(false);
    });

    it("a viewer reads but its actions answer 403", async () => {
      const headers = { authorization: "Bearer look" };
      expect((await fetch(`${servers[2]!.origin}/api/queues`, { headers })).status).toBe(200);
      const response = await fetch(`${servers[2]!.origin}/api/queues/orders/pause`, {
        method: "POST",
        headers,
      });
      expect(response.status).toBe(403);
      expect((await fetch(`${servers[2]!.origin}/api/queues`)).status).toBe(401);
      const page = await (await fetch(`${servers[2]!.origin}/queues/orders`, { headers })).text();
      expect(page).toContain("(read only)");
      expect(page).not.toContain("data-action=");
    });
  });

  describe("mounted under a path", () => {
    it("serves from a Hono app, through app.mount and through the Node handler", async () => {
      const mounted = createDashboard({ backend, basePath: "/admin/jobs", auth: { token: "tok" } });
      const app = new Hono<{
        Bindings: {
          incoming: import("node:http").IncomingMessage;
          outgoing: import("node:http").ServerResponse;
        };
      }>();
      app.get("/", (c) => c.text("the host app"));
      app.mount("/admin/jobs", mounted.fetch);
      // The other way: hand Node's own request and response to the dashboard's handler.
      const raw = createDashboard({ backend, basePath: "/raw", auth: { token: "tok" } });
      app.all("/raw/*", (c) => {
        raw.handler(c.env.incoming, c.env.outgoing);
        return RESPONSE_ALREADY_SENT;
      });
      const listener = getRequestListener(app.fetch);
      const host = await serve((request, response) => void listener(request, response));
      try {
        const headers = { authorization: "Bearer tok" };
        expect(await (await fetch(`${host.origin}/`)).text()).toBe("the host app");
        for (const base of ["/admin/jobs", "/raw"]) {
          const page = await fetch(`${host.origin}${base}/queues/orders`, { headers });
          expect(page.status, base).toBe(200);
          expect(await page.text()).toContain(`href="${base}/assets/style.css?v=`);
          expect((await fetch(`${host.origin}${base}/api/queues`, { headers })).status).toBe(200);
          const action = await fetch(`${host.origin}${base}/api/queues/orders/resume`, {
            method: "POST",
            headers,
          });
          expect(action.status).toBe(200);
        }
      } finally {
        await mounted.close();
        await raw.close();
        await closeServer(host.server);
      }
    });
  });
});
