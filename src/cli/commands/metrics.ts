// `warren metrics`: a Prometheus exporter for a whole backend. Serves GET /metrics (Warren's metrics, see
// docs/operations/observability.md) until SIGINT/SIGTERM. Run one per backend: it counts every worker's jobs.
import { createServer } from "node:http";
import type { Command } from "commander";
import { MemoryBackend } from "../../backend/memory/index.js";
import { ValidationError } from "../../errors/warren-error.js";
import { collectMetrics } from "../../metrics/collect-metrics.js";
import { loadPromClient } from "../../metrics/prom-client-loader.js";
import { listen, parsePort, servedPath, serverUrl, untilStopped } from "../listen.js";
import { print } from "../output.js";
import { withBackend, type GlobalOptions } from "./with-backend.js";

/** Registers the `metrics` command. */
export function registerMetricsCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command("metrics")
    .description("serve Prometheus metrics for every queue of the backend on /metrics, until SIGINT/SIGTERM")
    .option("--port <port>", "port to serve on", parsePort, 9464)
    .option("--host <host>", "address to bind (0.0.0.0 to let a remote Prometheus scrape)", "127.0.0.1")
    .option("--queue <pattern...>", "measure only these queues (names or topic patterns)")
    .action((options: { port: number; host: string; queue?: string[] }) =>
      withBackend(globals(), async (backend, json) => {
        if (backend instanceof MemoryBackend) {
          // An exporter of its own empty in-process backend would serve zeros forever, looking healthy.
          throw new ValidationError(
            "INVALID_URL",
            "memory:// lives inside one process, so an exporter would only ever see its own empty queues: " +
              "pass --url (or set WARREN_URL) to the Redis, PostgreSQL or amqp:// backend your workers use",
          );
        }
        const prom = loadPromClient();
        const metrics = collectMetrics({
          backend,
          registry: new prom.Registry(),
          ...(options.queue ? { queues: options.queue } : {}),
        });
        await metrics.waitUntilReady();
        const server = createServer((request, response) => {
          if (servedPath(request, response, ["/metrics"]) === undefined) return;
          metrics.registry.metrics().then(
            (text) => {
              response.writeHead(200, { "content-type": metrics.registry.contentType });
              response.end(request.method === "HEAD" ? undefined : text);
            },
            (error: unknown) => {
              // The backend did not answer the scrape: Prometheus marks the target down, which is the news.
              const message = error instanceof Error ? error.message : String(error);
              response.writeHead(503, { "content-type": "text/plain" }).end(`scrape failed: ${message}\n`);
            },
          );
        });
        await listen(server, options.port, options.host);
        print({ metrics: serverUrl(server, options.host, "/metrics") }, json);
        await untilStopped();
        server.close();
        await metrics.close();
      }),
    );
}
