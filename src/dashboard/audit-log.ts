// Every action, who took it and how it went: kept in memory for the UI, logged, and emitted to listeners.
import { EventEmitter } from "node:events";
import type { Logger } from "../logging/logger.js";

/** One action as the audit log records it. */
export interface AuditEntry {
  /** ms since epoch. */
  at: number;
  user: string;
  /** e.g. `retry`, `bulk-remove`, `pause`, `add`, `replay-dead-letters`. */
  action: string;
  queue: string | undefined;
  /** The job ids, schedule key or other target, when there is one. */
  target: string | undefined;
  /** `ok`, or what went wrong. */
  outcome: string;
  /** For bulk actions: how many targets were affected. */
  count?: number | undefined;
}

/** A bounded in-memory audit trail; `on("audit", entry => …)` sees every entry as it is recorded. */
export class AuditLog extends EventEmitter<{ audit: [AuditEntry] }> {
  private readonly entries: AuditEntry[] = [];

  constructor(
    private readonly limit: number,
    private readonly logger: Logger,
  ) {
    super();
  }

  record(entry: AuditEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    this.logger.info({ audit: entry }, `dashboard: ${entry.user} ${entry.action} ${entry.outcome}`);
    this.emit("audit", entry);
  }

  /** Newest first. */
  list(): AuditEntry[] {
    return [...this.entries].reverse();
  }
}
