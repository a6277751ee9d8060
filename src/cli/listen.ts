// What the CLI's long-running servers (health probes, metrics) share: port parsing, listening, their address.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { InvalidArgumentError } from "commander";

/** A TCP port for --health-port / --port (0 picks a free one). */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError(`use a port number 0–65535 (got ${value})`);
  }
  return port;
}

/** Listens on `host:port`; resolves once listening, rejects when the port cannot be had. */
export async function listen(server: Server, port: number, host: string): Promise<Server> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server;
}

/** The URL of `path` on a listening server, with the port it got (for port 0). */
export function serverUrl(server: Server, host: string, path: string): string {
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}${path}`;
}

/** Resolves at SIGINT or SIGTERM: how a long-running command is asked to stop. */
export function untilStopped(): Promise<void> {
  return new Promise<void>((done) => {
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
  });
}

/**
 * The path of a probe or scrape request, or undefined once it has been answered: 405 for a method other than
 * GET or HEAD, 404 (naming the paths served) for a path not in `paths`.
 */
export function servedPath(
  request: IncomingMessage,
  response: ServerResponse,
  paths: readonly string[],
): string | undefined {
  const path = (request.url ?? "/").split("?")[0] ?? "/";
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.writeHead(405, { allow: "GET, HEAD" }).end();
    return undefined;
  }
  if (!paths.includes(path)) {
    response.writeHead(404, { "content-type": "text/plain" }).end(`use ${paths.join(" or ")}\n`);
    return undefined;
  }
  return path;
}
