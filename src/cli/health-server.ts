// `warren worker start --health-port N`: a liveness and a readiness probe over the process's workers, for
// Kubernetes, systemd or a load balancer. GET /healthz answers 200 while every worker is healthy, 503 when one
// is not (its fetch loop is stuck, or its store or broker stopped answering); GET /readyz answers 200 once
// every worker has completed a fetch and is healthy. The body is JSON: each worker's health.
import { createServer, type Server } from "node:http";
import type { WorkerHealth } from "../worker/worker-health.js";
import { listen, servedPath } from "./listen.js";

/** What the probes read: one entry per worker. */
export interface ProbedWorker {
  readonly id: string;
  readonly name: string;
  health(): WorkerHealth;
}

/** Starts the probe server on `host:port`; resolves once it listens. */
export async function startHealthServer(
  workers: readonly ProbedWorker[],
  port: number,
  host = "127.0.0.1",
): Promise<Server> {
  const server = createServer((request, response) => {
    const path = servedPath(request, response, ["/healthz", "/readyz"]);
    if (path === undefined) return;
    const report = workers.map((worker) => ({ id: worker.id, queue: worker.name, ...worker.health() }));
    const healthy = report.every((entry) => entry.ok);
    const ok =
      path === "/healthz" ? healthy : healthy && report.every((entry) => entry.lastFetchAt !== undefined);
    response
      .writeHead(ok ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" })
      .end(request.method === "HEAD" ? undefined : `${JSON.stringify({ ok, workers: report })}\n`);
  });
  return listen(server, port, host);
}
