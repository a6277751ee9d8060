// The processor-side ledger: what every worker process saw, appended synchronously to its own file so a
// SIGKILL loses nothing that was written. The checker reads every file after the run.
import { closeSync, openSync, readdirSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";

/** One line of a ledger. Times are `Date.now()` on this machine, the clock the producer uses too. */
export type LedgerEntry =
  /** The processor was called: one try began. */
  | { type: "start"; id: string; queue: string; at: number; attempt: number; stalled: number; worker: string }
  /** The processor is about to return (`ok`) or throw; `unrecoverable` when it throws UnrecoverableError. */
  | {
      type: "end";
      id: string;
      queue: string;
      at: number;
      attempt: number;
      ok: boolean;
      unrecoverable: boolean;
      worker: string;
    }
  /** The worker emitted `completed`: the store accepted this try's success. */
  | { type: "completed"; id: string; queue: string; at: number; attempt: number; worker: string };

/** Appends entries to one file with a synchronous write each, so they survive the process being killed. */
export class LedgerWriter {
  private readonly fd: number;
  private closed = false;

  constructor(path: string) {
    this.fd = openSync(path, "a");
  }

  append(entry: LedgerEntry): void {
    if (this.closed) return;
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

/** The ledger file of one worker incarnation in `dir`. */
export function ledgerPath(dir: string, worker: string): string {
  return join(dir, `${worker}.ledger.jsonl`);
}

/**
 * Every entry of every ledger in `dir`. A process killed mid-write can leave a torn last line; it is skipped,
 * since the try it describes is then also unfinished from the store's point of view.
 */
export function readLedgers(dir: string): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".ledger.jsonl"))) {
    for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
      if (line.trim() === "") continue;
      try {
        entries.push(JSON.parse(line) as LedgerEntry);
      } catch {
        // A torn final line from a SIGKILL: see above.
      }
    }
  }
  return entries.sort((a, b) => a.at - b.at);
}
