// The run's worker processes: spawns them, SIGKILLs and respawns one on demand, stops them all at the end.
// On memory:// (which no other process can reach) each "process" is an in-process WorkerHost instead.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { Backend } from "../../src/index.js";
import { LedgerWriter, ledgerPath } from "./ledger.js";
import type { WorkerChildConfig } from "./worker-child.js";
import { WorkerHost, type WorkerHostConfig } from "./worker-host.js";

/** How the fleet starts its workers. */
export interface FleetOptions {
  url: string;
  runId: string;
  /** Where the ledger files go. */
  dir: string;
  size: number;
  host: Omit<WorkerHostConfig, "workerName">;
  verbose: boolean;
  /** Set for memory://: the one backend every in-process host shares. */
  inProcessBackend?: Backend;
}

const CHILD_ENTRY = fileURLToPath(new URL("./worker-child.ts", import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

/** Something a worker process did that Warren promises it never does. */
export interface FleetCrash {
  worker: string;
  what: string;
}

/** One worker slot: its current incarnation, replaced on every kill. */
interface Incarnation {
  name: string;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

/** N worker processes; slot i's incarnations are named `torture-<run>-w<i>-<n>`. */
export class WorkerFleet {
  private readonly slots: Incarnation[] = [];
  private readonly counts: number[] = [];
  /** Unhandled rejections and unexpected exits the worker processes reported, by incarnation. */
  readonly crashes: FleetCrash[] = [];

  constructor(private readonly options: FleetOptions) {}

  get size(): number {
    return this.options.size;
  }

  async start(): Promise<void> {
    for (let slot = 0; slot < this.options.size; slot++) this.counts.push(0);
    this.slots.push(...(await Promise.all(this.counts.map((_, slot) => this.spawnSlot(slot)))));
  }

  /** The connection name of slot `slot`'s live incarnation, for the connection-cutting faults. */
  nameOf(slot: number): string {
    return this.slots[slot]!.name;
  }

  /** SIGKILLs slot `slot`'s process and starts a fresh one in its place. */
  async killAndRespawn(slot: number, respawnAfterMs: number): Promise<void> {
    await this.slots[slot]!.kill();
    await new Promise((resolve) => setTimeout(resolve, respawnAfterMs));
    this.slots[slot] = await this.spawnSlot(slot);
  }

  async stop(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.stop()));
  }

  private spawnSlot(slot: number): Promise<Incarnation> {
    this.counts[slot]! += 1;
    const name = `torture-${this.options.runId}-w${slot}-${this.counts[slot]}`;
    const ledgerFile = ledgerPath(this.options.dir, name);
    const host: WorkerHostConfig = { ...this.options.host, workerName: name };
    if (this.options.inProcessBackend)
      return Promise.resolve(inProcess(this.options.inProcessBackend, host, ledgerFile));
    return spawnChild(
      { ...host, url: this.options.url, ledgerFile, verbose: this.options.verbose },
      this.crashes,
    );
  }
}

function inProcess(backend: Backend, config: WorkerHostConfig, ledgerFile: string): Incarnation {
  const ledger = new LedgerWriter(ledgerFile);
  const host = new WorkerHost(backend, config, ledger);
  host.start();
  return {
    name: config.workerName,
    stop: async () => {
      await host.close();
      ledger.close();
    },
    kill: async () => {
      await host.crash();
      ledger.close();
    },
  };
}

async function spawnChild(config: WorkerChildConfig, crashes: FleetCrash[]): Promise<Incarnation> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD_ENTRY, JSON.stringify(config)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let expectedExit = false;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.once("exit", (code, signal) => {
    if (!expectedExit)
      crashes.push({
        worker: config.workerName,
        what: `exited unexpectedly (code ${code}, signal ${signal})`,
      });
  });
  createInterface({ input: child.stdout }).on("line", (line) => {
    if (!line.startsWith("unhandled ")) return;
    crashes.push({
      worker: config.workerName,
      what: `unhandled rejection: ${String(JSON.parse(line.slice(10)))}`,
    });
  });
  await waitForLine(child, "ready", READY_TIMEOUT_MS, config.workerName);
  return {
    name: config.workerName,
    stop: async () => {
      expectedExit = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
    kill: async () => {
      expectedExit = true;
      child.kill("SIGKILL");
      await exited;
    },
  };
}

function waitForLine(child: ChildProcess, expected: string, timeoutMs: number, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(
      () => reject(new Error(`${name} did not print "${expected}" within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.once("exit", (code) => reject(new Error(`${name} exited (${code}) before it was ready`)));
    lines.on("line", (line) => {
      if (line !== expected) return;
      clearTimeout(timer);
      resolve();
    });
  });
}
