// A torture worker process: `node --import tsx bench/torture/worker-child.ts '<json WorkerChildConfig>'`.
// Opens the backend with every connection named after this incarnation (so faults can target it), runs a
// WorkerHost, prints `ready`, and on SIGTERM closes cleanly. SIGKILL is the fault; the ledger survives it.
import { LedgerWriter } from "./ledger.js";
import { openBackend } from "./backend-url.js";
import { WorkerHost, type WorkerHostConfig } from "./worker-host.js";

/** The child's one argument, as JSON. */
export interface WorkerChildConfig extends WorkerHostConfig {
  url: string;
  ledgerFile: string;
  verbose: boolean;
}

const config = JSON.parse(process.argv[2] ?? "{}") as WorkerChildConfig;
// Warren promises that connection failures never surface as unhandled rejections (invariant 11). One that
// does is reported to the parent as a violation, and the process carries on, so one finding does not end
// the run.
process.on("unhandledRejection", (reason) => {
  const error = reason instanceof Error ? reason : new Error(String(reason));
  process.stdout.write(
    `unhandled ${JSON.stringify(`${error.name}: ${error.message} ${error.stack?.split("\n").slice(1, 4).join(" <") ?? ""}`)}\n`,
  );
});
const report = (error: Error): void => {
  if (config.verbose) console.error(`[${config.workerName}] ${error.message}`);
};
const backend = openBackend(config.url, config.workerName, report);
const ledger = new LedgerWriter(config.ledgerFile);
const host = new WorkerHost(backend, config, ledger, report);
host.start();
process.stdout.write("ready\n");

let stopping = false;
process.on("SIGTERM", () => {
  if (stopping) return;
  stopping = true;
  void (async () => {
    try {
      await host.close();
      await backend.close();
    } catch (error) {
      report(error as Error);
    } finally {
      ledger.close();
      process.stdout.write(`closed errors=${host.errors}\n`);
      process.exit(0);
    }
  })();
});
