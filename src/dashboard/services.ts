// What the pages and API handlers share: the backend, queue handles, live figures and the audit log.
import type { Backend } from "../backend/contract.js";
import type { AttemptHistory } from "./attempt-history.js";
import type { AuditLog } from "./audit-log.js";
import type { CsrfTokens } from "./csrf.js";
import type { ResolvedDashboardOptions } from "./dashboard-options.js";
import type { LiveStats } from "./live-stats.js";
import type { QueueHandles } from "./queue-handles.js";
import type { EventHub } from "./sse.js";

/** The dashboard's parts, built once by createDashboard. */
export interface DashboardServices {
  readonly options: ResolvedDashboardOptions;
  readonly backend: Backend;
  readonly queues: QueueHandles;
  readonly stats: LiveStats;
  readonly attempts: AttemptHistory;
  readonly audit: AuditLog;
  readonly csrf: CsrfTokens;
  readonly hub: EventHub;
}
