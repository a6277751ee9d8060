// The operator kit in docs/operations, checked against a real Prometheus scraping a real exporter: every
// dashboard query returns series, every alert rule loads and evaluates without error, and the two alerts this
// run provokes (jobs waiting with no worker, dead letters growing) go pending. The metric names in both files
// are the ones the code exports.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Queue, RedisBackend, Worker } from "../../../src/index.js";
import { collectMetrics, METRIC_NAMES, type WarrenMetrics } from "../../../src/metrics/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";
import { prometheusBinary } from "../../helpers/prometheus.js";

const DASHBOARD = "docs/operations/grafana-dashboard.json";
const ALERTS = "docs/operations/prometheus-alerts.yml";

interface Dashboard {
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
}

/** Every metric a PromQL text names (a histogram's _bucket/_count/_sum series name their histogram). */
function metricsNamed(text: string): string[] {
  return [...text.matchAll(/\bwarren_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, ""));
}

describe("the operator kit's names", () => {
  it("name only metrics the code exports", async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD, "utf8")) as Dashboard;
    const named = [
      ...dashboard.panels.flatMap((panel) => panel.targets.flatMap((target) => metricsNamed(target.expr))),
      ...metricsNamed(await readFile(ALERTS, "utf8")),
    ];
    expect(named.length).toBeGreaterThan(10);
    for (const name of named) expect(METRIC_NAMES).toContain(name);
  });
});

const redis = await requireService("redis");
const prometheus = await prometheusBinary();

describe.runIf(redis && prometheus)("the operator kit against a real Prometheus", () => {
  const prefix = `wk-${randomBytes(4).toString("hex")}`;
  const backend = new RedisBackend({ url: SERVICE_URLS.redis, prefix });
  const served = new Queue<{ fail: boolean }>("kit-served", { backend });
  const unserved = new Queue("kit-unserved", { backend });
  let metrics: WarrenMetrics;
  let exporter: Server;
  let worker: Worker<{ fail: boolean }>;
  let server: ChildProcess;
  let dir: string;
  let api: string;
  let producing = true;
  let production: Promise<void>;

  beforeAll(async () => {
    metrics = collectMetrics({ backend, registry: new Registry() });
    await metrics.waitUntilReady();
    exporter = createServer((_req, res) => {
      void metrics.registry.metrics().then((text) => res.end(text));
    });
    await new Promise<void>((done) => exporter.listen(0, "127.0.0.1", done));
    worker = new Worker<{ fail: boolean }>(
      served.name,
      (job) => {
        if (job.data.fail) throw new Error("bad");
      },
      { backend, concurrency: 2 },
    );
    await unserved.add("stuck", {});
    // Jobs keep flowing while Prometheus scrapes, so rates and quantiles have something to show.
    production = (async () => {
      for (let i = 0; producing; i++) {
        await served.add("n", { fail: i % 4 === 0 });
        await new Promise((done) => setTimeout(done, 50));
      }
    })();

    dir = await mkdtemp(join(tmpdir(), "warren-prom-"));
    const port = await freePort();
    api = `http://127.0.0.1:${port}/api/v1`;
    const address = exporter.address() as { port: number };
    await writeFile(
      join(dir, "prometheus.yml"),
      [
        "global: { scrape_interval: 1s, evaluation_interval: 1s }",
        `rule_files: [${JSON.stringify(resolve(ALERTS))}]`,
        "scrape_configs:",
        `  - job_name: warren`,
        `    static_configs: [{ targets: ["127.0.0.1:${address.port}"] }]`,
      ].join("\n"),
    );
    server = spawn(
      prometheus!,
      [
        `--config.file=${join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--log.level=warn",
      ],
      { stdio: "ignore" },
    );
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/-/ready`).catch(() => undefined))?.ok, {
      message: "Prometheus to be ready",
      timeout: 30_000,
    });
  }, 60_000);

  afterAll(async () => {
    producing = false;
    await production;
    server?.kill("SIGTERM");
    await worker?.close();
    await metrics?.close();
    exporter?.close();
    await served.obliterate({ force: true }).catch(() => undefined);
    await unserved.obliterate({ force: true }).catch(() => undefined);
    await backend.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const query = async (expr: string): Promise<Array<{ metric: Record<string, string> }>> => {
    const response = await fetch(`${api}/query?query=${encodeURIComponent(expr)}`);
    const body = (await response.json()) as { status: string; error?: string; data?: { result: [] } };
    if (body.status !== "success") throw new Error(`${expr}: ${body.error}`);
    return body.data!.result;
  };

  it("every dashboard query returns series", async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD, "utf8")) as Dashboard;
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        const expr = target.expr.replaceAll("$queue", ".*").replaceAll("$__rate_interval", "15s");
        await waitFor(async () => (await query(expr)).length > 0, {
          message: `panel "${panel.title}": ${expr} to return series`,
          timeout: 45_000,
        });
      }
    }
  }, 120_000);

  it("every alert rule evaluates cleanly, and the provoked ones go pending", async () => {
    const alertsOf = async (): Promise<Array<{ labels: Record<string, string>; state: string }>> =>
      ((await (await fetch(`${api}/alerts`)).json()) as { data: { alerts: [] } }).data.alerts;
    await waitFor(
      async () => {
        const alerts = await alertsOf();
        const has = (name: string, queue: string): boolean =>
          alerts.some((a) => a.labels["alertname"] === name && a.labels["queue"] === queue);
        return has("WarrenNoWorkers", unserved.name) && has("WarrenDeadLettersGrowing", served.name);
      },
      { message: "WarrenNoWorkers and WarrenDeadLettersGrowing to go pending", timeout: 45_000 },
    );
    const alerts = await alertsOf();
    expect(
      alerts.some((a) => a.labels["alertname"] === "WarrenNoWorkers" && a.labels["queue"] === served.name),
    ).toBe(false);
    const rules = (
      (await (await fetch(`${api}/rules`)).json()) as {
        data: { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> };
      }
    ).data.groups.flatMap((group) => group.rules);
    expect(rules).toHaveLength(5);
    for (const rule of rules)
      expect({ rule: rule.name, health: rule.health, error: rule.lastError ?? "" }).toEqual({
        rule: rule.name,
        health: "ok",
        error: "",
      });
  }, 120_000);
});

/** A TCP port nothing listens on now. */
async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  const { port } = probe.address() as { port: number };
  await new Promise((done) => probe.close(done));
  return port;
}
