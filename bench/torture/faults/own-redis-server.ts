// A Redis server the run owns, so it may restart it: the shared one keeps nothing on disk and serves other
// engineers' tests. Append-only with fsync on every write, so a restart (even after SIGKILL) loses nothing
// that was acknowledged.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

const START_TIMEOUT_MS = 20_000;

/** A redis-server child on a free port, with its data in a temp dir. */
export class OwnRedisServer {
  private process: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), "warren-torture-redis-"));

  private constructor(readonly port: number) {}

  /** Starts a server on a free port from 6390 up (a random start, so concurrent runs rarely collide). */
  static async start(): Promise<OwnRedisServer> {
    const server = new OwnRedisServer(await freePort(6390 + Math.floor(Math.random() * 500)));
    await server.up();
    return server;
  }

  get hostPort(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** SIGKILLs the server, waits `downMs`, starts it again from its append-only file. */
  async restart(downMs: number): Promise<void> {
    await this.down();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.up();
  }

  async stop(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** SIGKILLs the server (its data stays, for `up`). */
  async down(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  /** Starts the server (again, from its append-only file); resolves once it answers. */
  async up(): Promise<void> {
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--dir", this.dir, "--save", ""];
    args.push(
      "--appendonly",
      "yes",
      "--appendfsync",
      "always",
      "--daemonize",
      "no",
      "--logfile",
      join(this.dir, "redis.log"),
    );
    this.process = spawn("redis-server", args, { stdio: "ignore" });
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await answers(this.port))) {
      if (Date.now() > deadline) throw new Error(`own redis-server on port ${this.port} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function answers(port: number): Promise<boolean> {
  const probe = new Redis({
    port,
    host: "127.0.0.1",
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    // LOADING replies while the AOF is replayed: not up yet.
    return (await probe.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

function freePort(from: number): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(freePort(from + 1)));
    server.listen(from, "127.0.0.1", () => server.close(() => resolve(from)));
  });
}
