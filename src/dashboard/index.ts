// The web dashboard (`warren/dashboard`): a Node handler to mount in any HTTP server; see docs/operations/dashboard.md.
export { createDashboard, type Dashboard } from "./create-dashboard.js";
export type {
  DashboardAuth,
  DashboardIdentity,
  DashboardOptions,
  DashboardRequest,
} from "./dashboard-options.js";
export type { AuditEntry } from "./audit-log.js";
