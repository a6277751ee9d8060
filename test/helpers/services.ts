// Probes the servers integration and contract tests need. A missing server skips its tests loudly
// locally, and fails the run when WARREN_REQUIRE_SERVICES=1 (CI).
import { Socket } from "node:net";

/** Servers Warren's tests use, with their default URLs. */
export const SERVICE_URLS = {
  redis: process.env["WARREN_TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379/0",
  postgres: process.env["WARREN_TEST_POSTGRES_URL"] ?? "postgres://postgres@127.0.0.1:5432/test",
  rabbitmq: process.env["WARREN_TEST_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672",
  /** A Redis Cluster (three masters, started by .ci/run): its seed nodes after `redis+cluster://`. */
  "redis-cluster":
    process.env["WARREN_TEST_REDIS_CLUSTER_URL"] ??
    "redis+cluster://127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002/",
} as const;

/** The seed nodes (`host:port`) of SERVICE_URLS["redis-cluster"]. */
export function redisClusterNodes(): string[] {
  const authority = /^redis\+cluster:\/\/([^/?#]*)/.exec(SERVICE_URLS["redis-cluster"])?.[1] ?? "";
  return authority.replace(/^.*@/, "").split(",");
}

const PROBE_TIMEOUT_MS = 1000;

function probe(url: string): Promise<boolean> {
  // A cluster is reachable when its first seed node is (CLUSTER INFO is the cluster tests' own business).
  const parsed = new URL(url.startsWith("redis+cluster://") ? `redis://${redisClusterNodes()[0]}` : url);
  const defaults: Record<string, number> = { "redis:": 6379, "postgres:": 5432, "amqp:": 5672 };
  const port = Number(parsed.port || defaults[parsed.protocol] || 0);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(false));
    socket.once("error", () => done(false));
    socket.connect(port, parsed.hostname, () => done(true));
  });
}

/**
 * Whether the server is reachable. When it is not: throws under WARREN_REQUIRE_SERVICES=1, else prints a loud
 * warning so the skip is never silent.
 */
export async function requireService(name: keyof typeof SERVICE_URLS): Promise<boolean> {
  const url = SERVICE_URLS[name];
  if (await probe(url)) return true;
  const where = name === "redis-cluster" ? redisClusterNodes().join(",") : new URL(url).host;
  const message = `${name} is not reachable at ${where}`;
  if (process.env["WARREN_REQUIRE_SERVICES"] === "1") {
    throw new Error(`${message}, and WARREN_REQUIRE_SERVICES=1 requires it`);
  }
  console.warn(`\n${"!".repeat(72)}\n!! SKIPPED: ${message}; its tests do not run.\n${"!".repeat(72)}\n`);
  return false;
}
