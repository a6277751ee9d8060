// `warren dashboard`: serves the web dashboard for a whole backend until SIGINT/SIGTERM. Binds 127.0.0.1
// unless told otherwise: without --token or --basic anyone who reaches it can read every job's data.
import { createServer } from "node:http";
import { InvalidArgumentError, type Command } from "commander";
import { MemoryBackend } from "../../backend/memory/index.js";
import { ValidationError } from "../../errors/warren-error.js";
import { createDashboard } from "../../dashboard/create-dashboard.js";
import type { DashboardAuth } from "../../dashboard/dashboard-options.js";
import { listen, parsePort, serverUrl, untilStopped } from "../listen.js";
import { print } from "../output.js";
import { withBackend, type GlobalOptions } from "./with-backend.js";

interface DashboardCommandOptions {
  port: number;
  host: string;
  token?: string;
  basic?: { user: string; password: string };
  readOnly?: boolean;
}

function parseBasic(value: string): { user: string; password: string } {
  const colon = value.indexOf(":");
  if (colon <= 0 || colon === value.length - 1) throw new InvalidArgumentError("use user:password");
  return { user: value.slice(0, colon), password: value.slice(colon + 1) };
}

function authOf(options: DashboardCommandOptions): DashboardAuth | undefined {
  if (options.token !== undefined && options.basic !== undefined) {
    throw new ValidationError("INVALID_OPTION", "pass --token or --basic, not both");
  }
  if (options.token !== undefined) return { token: options.token };
  if (options.basic !== undefined) return { users: { [options.basic.user]: options.basic.password } };
  return undefined;
}

/** Registers the `dashboard` command. */
export function registerDashboardCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command("dashboard")
    .description("serve the web dashboard for every queue of the backend, until SIGINT/SIGTERM")
    .option("--port <port>", "port to serve on", parsePort, 9465)
    .option("--host <host>", "address to bind (0.0.0.0 exposes it: set --token or --basic then)", "127.0.0.1")
    .option(
      "--token <token>",
      "sign-in token (Authorization: Bearer, or Basic with it as password); default $WARREN_DASHBOARD_TOKEN",
    )
    .option("--basic <user:password>", "sign in with Basic credentials", parseBasic)
    .option("--read-only", "refuse every action")
    .action((options: DashboardCommandOptions) =>
      withBackend(globals(), async (backend, json) => {
        if (backend instanceof MemoryBackend) {
          throw new ValidationError(
            "INVALID_URL",
            "memory:// lives inside one process, so the dashboard would only show its own empty queues: " +
              "pass --url (or set WARREN_URL) to the Redis, PostgreSQL or amqp:// backend your workers use",
          );
        }
        const token = options.token ?? (process.env["WARREN_DASHBOARD_TOKEN"] || undefined);
        const auth = authOf({ ...options, ...(token !== undefined ? { token } : {}) });
        const dashboard = createDashboard({
          backend,
          ...(auth ? { auth } : {}),
          readOnly: options.readOnly ?? false,
        });
        const server = createServer(dashboard.handler);
        await listen(server, options.port, options.host);
        print(
          { dashboard: serverUrl(server, options.host, "/"), auth: auth ? "on" : "off (read-only)" },
          json,
        );
        await untilStopped();
        await dashboard.close();
        await new Promise<void>((done) => server.close(() => done()));
      }),
    );
}
