// Dashboard options: the public shape and its validation into a frozen resolved form.
import type { Backend } from "../backend/contract.js";
import { ValidationError } from "../errors/warren-error.js";

/** Who is signed in, and what they may do: a viewer reads, an admin also acts. */
export interface DashboardIdentity {
  user: string;
  role: "admin" | "viewer";
}

/** The request as an auth function sees it (a web `Request`: method, url, headers). */
export type DashboardRequest = Request;

/**
 * How requests authenticate. `{ token }`: `Authorization: Bearer <token>` (or Basic with any user name and the
 * token as password, so a browser can sign in); `{ users }`: Basic with one of these name/password pairs; a
 * function: your own check, resolving null for "not signed in". Token and users sign in as admin.
 */
export type DashboardAuth =
  | { token: string }
  | { users: Readonly<Record<string, string>> }
  | ((request: DashboardRequest) => Promise<DashboardIdentity | null>);

/** Options of {@link createDashboard}. */
export interface DashboardOptions {
  /** The backend whose queues the dashboard shows and acts on. */
  backend: Backend;
  /** The path the dashboard is mounted at, e.g. `/admin/queues`. @defaultValue "/" */
  basePath?: string;
  /**
   * Who may read and act. Without it reads are open and every action answers 401: set it before exposing
   * actions. @defaultValue none
   */
  auth?: DashboardAuth;
  /** Refuse every action (403), whoever asks. @defaultValue false */
  readOnly?: boolean;
  /**
   * Key for the CSRF tokens (HMAC). Give the same secret to every replica behind one load balancer.
   * @defaultValue 32 random bytes per dashboard
   */
  secret?: string;
  /** Most audit entries kept in memory (and shown). @defaultValue 500 */
  auditLimit?: number;
}

/** DashboardOptions after validation. */
export interface ResolvedDashboardOptions {
  readonly backend: Backend;
  /** Normalised: starts with `/`, no trailing `/` (empty string for the root). */
  readonly basePath: string;
  readonly auth: DashboardAuth | undefined;
  readonly readOnly: boolean;
  readonly secret: string | undefined;
  readonly auditLimit: number;
}

const DEFAULT_AUDIT_LIMIT = 500;
const OPTION_KEYS = new Set(["backend", "basePath", "auth", "readOnly", "secret", "auditLimit"]);

/** Validates dashboard options once, at creation. */
export function resolveDashboardOptions(options: DashboardOptions): ResolvedDashboardOptions {
  if (typeof options !== "object" || options === null || typeof options.backend !== "object") {
    throw new ValidationError("INVALID_OPTION", "createDashboard needs { backend } (see createBackend)");
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) {
      throw new ValidationError(
        "INVALID_OPTION",
        `unknown dashboard option ${key}; allowed: ${[...OPTION_KEYS].join(", ")}`,
      );
    }
  }
  checkAuth(options.auth);
  const auditLimit = options.auditLimit ?? DEFAULT_AUDIT_LIMIT;
  if (!Number.isInteger(auditLimit) || auditLimit < 1) {
    throw new ValidationError(
      "INVALID_OPTION",
      `auditLimit must be an integer >= 1 (got ${String(auditLimit)})`,
    );
  }
  return Object.freeze({
    backend: options.backend,
    basePath: normaliseBasePath(options.basePath ?? "/"),
    auth: options.auth,
    readOnly: options.readOnly ?? false,
    secret: options.secret,
    auditLimit,
  });
}

function normaliseBasePath(basePath: string): string {
  if (typeof basePath !== "string" || !basePath.startsWith("/") || /[?#\s"'<>\\]/.test(basePath)) {
    throw new ValidationError(
      "INVALID_OPTION",
      `basePath must be a URL path starting with "/" (got ${JSON.stringify(basePath)}); e.g. "/admin/queues"`,
    );
  }
  return basePath.replace(/\/+$/, "");
}

function checkAuth(auth: DashboardAuth | undefined): void {
  if (auth === undefined || typeof auth === "function") return;
  if ("token" in auth) {
    if (typeof auth.token !== "string" || auth.token.length === 0) {
      throw new ValidationError("INVALID_OPTION", "auth.token must be a non-empty string");
    }
    return;
  }
  if ("users" in auth && typeof auth.users === "object" && auth.users !== null) {
    const entries = Object.entries(auth.users);
    if (
      entries.length > 0 &&
      entries.every(([name, pass]) => name.length > 0 && typeof pass === "string" && pass.length > 0)
    ) {
      return;
    }
  }
  throw new ValidationError(
    "INVALID_OPTION",
    "auth must be { token }, { users: { name: password } } with at least one user, or an async function",
  );
}
