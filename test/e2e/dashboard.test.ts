// The dashboard in a real browser (Debian's chromium through playwright-core) against a real Redis, and again
// against RabbitMQ with a PostgreSQL store: every page
// loads without a CSP violation or script error, a job named like an HTML tag renders as text and opens no
// dialog, and an authenticated retry updates the page without a reload. Writes each page's screenshot into
// docs/operations/images/dashboard-*.png for the operations guide (from the Redis run).
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import {
  AmqpBackend,
  FlowProducer,
  PostgresStore,
  Queue,
  RedisBackend,
  Worker,
  type Backend,
} from "../../src/index.js";
import { createDashboard, type Dashboard } from "../../src/dashboard/index.js";
import { waitFor } from "../../src/testing/index.js";
import { requireService, SERVICE_URLS } from "../helpers/services.js";

const CHROMIUM = process.env["WARREN_CHROMIUM"] ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const IMAGES = "docs/operations/images";
const XSS_NAME = "<img src=x onerror=alert(1)>";
const BASE = "/dash";

function chromiumPresent(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const message = `chromium is not installed at ${CHROMIUM}`;
  if (process.env["WARREN_REQUIRE_SERVICES"] === "1") {
    throw new Error(`${message}, and WARREN_REQUIRE_SERVICES=1 requires it`);
  }
  console.warn(
    `\n${"!".repeat(72)}\n!! SKIPPED: ${message}; the dashboard's browser tests do not run.\n${"!".repeat(72)}\n`,
  );
  return false;
}

/** A backend the browser tests run against. */
interface Target {
  label: string;
  reachable: boolean;
  create: (id: string) => Backend;
  /** Removes what the run left on the server, after the backend closed. */
  dispose?: (id: string) => Promise<void>;
  /** Writes the operations guide's screenshots (one target does). */
  screenshots: boolean;
}

const browserReady = chromiumPresent();
const TARGETS: Target[] = [
  {
    label: "real Redis",
    reachable: await requireService("redis"),
    create: (id) => new RedisBackend({ url: SERVICE_URLS.redis, prefix: id }),
    screenshots: true,
  },
  {
    label: "RabbitMQ with a PostgreSQL store",
    reachable: (await requireService("rabbitmq")) && (await requireService("postgres")),
    create: (id) =>
      new AmqpBackend({
        url: SERVICE_URLS.rabbitmq,
        store: new PostgresStore({ url: SERVICE_URLS.postgres, schema: id.replace("-", "_") }),
        exchange: id,
      }),
    dispose: async (id) => {
      const pool = new pg.Pool({ connectionString: SERVICE_URLS.postgres, max: 1 });
      await pool.query(`DROP SCHEMA IF EXISTS "${id.replace("-", "_")}" CASCADE`);
      await pool.end();
    },
    screenshots: false,
  },
];

for (const target of TARGETS) {
  describe.runIf(browserReady && target.reachable)(`the dashboard in chromium (${target.label})`, () => {
    const id = `we-${randomBytes(4).toString("hex")}`;
    const backend = target.create(id);
    const shop = new Queue<{ flaky?: boolean; n?: number; note?: string }>("shop", { backend });
    const mail = new Queue("mail", { backend });
    const seen = new Set<string>();
    let worker: Worker<{ flaky?: boolean; n?: number; note?: string }>;
    let dashboard: Dashboard;
    let server: Server;
    let origin: string;
    let browser: Browser;
    let page: Page;
    const dialogs: string[] = [];
    /** Whether a confirm() the page opens is accepted (only the tests that confirm something set it). */
    let acceptDialogs = false;
    const problems: string[] = [];
    let failedId: string;
    let xssId: string;
    let parentId: string;
    let childId: string;

    beforeAll(async () => {
      mkdirSync(IMAGES, { recursive: true });
      worker = new Worker<{ flaky?: boolean; n?: number; note?: string }>(
        shop.name,
        async (job) => {
          if (job.data.flaky && !seen.has(job.id)) {
            seen.add(job.id);
            throw new Error("payment gateway timed out");
          }
          await job.log(`charged order ${job.data.n ?? 0}`);
          return { ok: true };
        },
        { backend, concurrency: 4, name: "shop-worker" },
      );
      for (let n = 0; n < 30; n++) await shop.add("charge", { n });
      failedId = (await shop.add("charge", { flaky: true, n: 99 }, { attempts: 1 })).id;
      xssId = (await shop.add(XSS_NAME, { note: XSS_NAME }, { delay: 3_600_000 })).id;
      const flow = await new FlowProducer({ backend }).add({
        name: "ship-order",
        queueName: "mail",
        data: { order: 7 },
        children: [{ name: "charge", queueName: "shop", data: { n: 7 } }],
      });
      parentId = flow.job.id;
      childId = flow.children![0]!.job.id;
      await mail.add("welcome", { to: "ada@example.com" });
      await mail.schedule("digest", { cron: "0 8 * * *", tz: "Europe/Oslo" }, { name: "daily-digest" });
      await waitFor(async () => (await shop.getJob(failedId))?.state === "failed");
      await waitFor(async () => (await shop.getJobCounts("completed")).completed >= 31);

      dashboard = createDashboard({ backend, basePath: BASE, auth: { users: { ada: "s3cret" } } });
      server = createServer(dashboard.handler);
      await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
      const address = server.address();
      origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
      // Events the dashboard saw before it started are not in its charts: a few more jobs give them figures.
      for (let n = 100; n < 120; n++) await shop.add("charge", { n });
      await waitFor(async () => (await shop.getJobCounts("completed")).completed >= 51);

      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      const context = await browser.newContext({
        httpCredentials: { username: "ada", password: "s3cret" },
        viewport: { width: 1400, height: 900 },
      });
      page = await context.newPage();
      page.on("dialog", (dialog) => {
        dialogs.push(dialog.message());
        void (acceptDialogs ? dialog.accept() : dialog.dismiss());
      });
      page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(`console: ${message.text()}`);
      });
      page.on("response", (response) => {
        if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
      });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await dashboard?.close();
      server?.closeAllConnections();
      await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
      await worker?.close();
      await shop.obliterate({ force: true });
      await mail.obliterate({ force: true });
      await backend.close();
      await target.dispose?.(id);
    });

    it("loads every page without script errors or CSP violations, and photographs each", async () => {
      const pages: Array<[string, string]> = [
        ["overview", "/"],
        ["queue", "/queues/shop?limit=12"],
        ["search", "/queues/shop?search=gateway"],
        ["job", `/queues/shop/jobs/${encodeURIComponent(failedId)}`],
        ["flow", `/queues/mail/jobs/${encodeURIComponent(parentId)}`],
        ["schedules", "/schedules"],
        ["workers", "/workers"],
        ["dead-letters", "/dead-letters?queue=shop"],
        ["charts", "/charts"],
        ["audit", "/audit"],
      ];
      for (const [name, path] of pages) {
        const response = await page.goto(`${origin}${BASE}${path}`);
        expect(response?.status(), path).toBe(200);
        await page.waitForSelector("#live.on");
        if (name === "charts") await page.waitForSelector(".uplot");
        if (target.screenshots) {
          await page.screenshot({ path: `${IMAGES}/dashboard-${name}.png`, fullPage: name !== "charts" });
        }
      }
      expect(await page.locator("main").textContent()).toBeTruthy();
      expect(problems).toEqual([]);
    });

    it("shows a job named like an HTML tag as text and opens no dialog", async () => {
      await page.goto(`${origin}${BASE}/queues/shop?state=delayed`);
      await page.waitForSelector("#live.on");
      expect(await page.locator(`tr[data-job="${xssId}"] .job-name`).textContent()).toBe(XSS_NAME);
      expect(await page.locator("main img").count()).toBe(0);
      await page.goto(`${origin}${BASE}/queues/shop/jobs/${encodeURIComponent(xssId)}`);
      expect(await page.locator("h1 + .breadcrumbs .job-name").textContent()).toBe(XSS_NAME);
      expect(await page.locator("main img").count()).toBe(0);
      expect(dialogs).toEqual([]);
    });

    it("retries a failed job and the page updates without a reload", async () => {
      await page.goto(`${origin}${BASE}/queues/shop?state=failed`);
      await page.waitForSelector("#live.on");
      // A marker on the window survives only if the page is never reloaded.
      await page.evaluate(() => {
        (globalThis as unknown as { warrenMarker: number }).warrenMarker = 42;
      });
      await page.click(`tr[data-job="${failedId}"] button[data-action="retry"]`);
      await page.waitForSelector(`tr[data-job="${failedId}"]`, { state: "detached" });
      await waitFor(async () => (await shop.getJob(failedId))?.state === "completed");
      expect(
        await page.evaluate(() => (globalThis as unknown as { warrenMarker?: number }).warrenMarker),
      ).toBe(42);
      await page.goto(`${origin}${BASE}/audit`);
      expect(await page.locator("table.audit").textContent()).toContain(failedId);
    });

    it("updates the overview live when a queue is paused and resumed elsewhere", async () => {
      await page.goto(`${origin}${BASE}/`);
      await page.waitForSelector("#live.on");
      await page.evaluate(() => {
        (globalThis as unknown as { warrenMarker: number }).warrenMarker = 7;
      });
      await mail.pause();
      const cell = page.locator('tr[data-queue="mail"] .paused');
      await cell.waitFor();
      await mail.resume();
      await cell.waitFor({ state: "detached" });
      expect(
        await page.evaluate(() => (globalThis as unknown as { warrenMarker?: number }).warrenMarker),
      ).toBe(7);
    });

    it("reconnects a lost live stream and resynchronises what changed while it was away", async () => {
      await page.goto(`${origin}${BASE}/`);
      await page.waitForSelector("#live.on");
      await page.evaluate(() => {
        (globalThis as unknown as { warrenMarker: number }).warrenMarker = 9;
      });
      // Drops the event stream; the browser retries after the stream's 2 s retry delay.
      server.closeAllConnections();
      await page.waitForSelector("#live.off");
      await mail.pause();
      // No change event reaches a disconnected page: only the resynchronisation on reconnect shows this.
      await page.locator('tr[data-queue="mail"] .paused').waitFor();
      await page.waitForSelector("#live.on");
      expect(
        await page.evaluate(() => (globalThis as unknown as { warrenMarker?: number }).warrenMarker),
      ).toBe(9);
      await mail.resume();
    });

    it("links a flow child's page to its parent, and the parent's to the child", async () => {
      await page.goto(`${origin}${BASE}/queues/shop/jobs/${encodeURIComponent(childId)}`);
      await page.waitForSelector("#live.on");
      await page.click(`.flow a[href$="/queues/mail/jobs/${encodeURIComponent(parentId)}"]`);
      await page.waitForURL(`**/queues/mail/jobs/${encodeURIComponent(parentId)}`);
      expect(
        await page.locator(`.flow a[href$="/queues/shop/jobs/${encodeURIComponent(childId)}"]`).count(),
      ).toBe(1);
    });

    it("finds a job by a word inside its data", async () => {
      const parcel = await shop.add("ship", { note: "parcel for Trondheim" }, { delay: 3_600_000 });
      await page.goto(`${origin}${BASE}/queues/shop?search=trondheim`);
      await page.waitForSelector("#live.on");
      expect(await page.locator("main tbody tr[data-job]").count()).toBe(1);
      expect(await page.locator(`tr[data-job="${parcel.id}"]`).count()).toBe(1);
      await shop.remove(parcel.id);
    });

    it("replays a dead letter from its page, and the job runs again", async () => {
      const doomed = await shop.add("charge", { flaky: true, n: 13 }, { attempts: 1 });
      await waitFor(async () => (await shop.getJob(doomed.id))?.state === "failed", {
        message: "the job to fail for good",
      });
      await page.goto(`${origin}${BASE}/dead-letters?queue=shop`);
      await page.waitForSelector("#live.on");
      await page.click(`button[data-action="dead-letters-replay"][data-job="${doomed.id}"]`);
      // The worker throws only on a job's first try: the replayed try completes.
      await waitFor(async () => (await shop.getJob(doomed.id))?.state === "completed", {
        message: "the replayed job to complete",
      });
      expect((await shop.getDeadLetters()).map((letter) => letter.jobId)).not.toContain(doomed.id);
    });

    it("refuses an action from a browser that is not signed in, and nothing changes", async () => {
      const held = await shop.add("charge", { n: 21 }, { delay: 3_600_000 });
      const anonymous = await browser.newContext();
      try {
        const refused = await anonymous.request.post(
          `${origin}${BASE}/api/queues/shop/jobs/${encodeURIComponent(held.id)}/remove`,
          { headers: { origin } },
        );
        expect(refused.status()).toBe(401);
      } finally {
        await anonymous.close();
      }
      expect((await shop.getJob(held.id))?.state).toBe("delayed");
      await shop.remove(held.id);
    });

    it("adds a job from the form, and shows the count of a filter before a bulk action on it", async () => {
      await page.goto(`${origin}${BASE}/queues/shop?state=delayed`);
      await page.waitForSelector("#live.on");
      await page.click("details.add-job summary");
      await page.fill('form[data-form="add-job"] input[name="name"]', "from-the-form");
      await page.fill('form[data-form="add-job"] textarea[name="data"]', '{"n": 1}');
      await page.fill('form[data-form="add-job"] textarea[name="opts"]', '{"delay": 3600000}');
      await page.click('form[data-form="add-job"] button[type="submit"]');
      await page.locator("td.job-name", { hasText: "from-the-form" }).waitFor();
      const delayed = (await shop.getJobCounts("delayed")).delayed;
      expect(delayed).toBe(2);

      acceptDialogs = true;
      try {
        await page.click('button[data-bulk-filter="remove"]');
        await page.locator("main tbody tr").first().waitFor({ state: "detached" });
      } finally {
        acceptDialogs = false;
      }
      expect(dialogs.at(-1)).toBe("remove all 2 delayed job(s)?");
      expect((await shop.getJobCounts("delayed")).delayed).toBe(0);
    });
  });
}
