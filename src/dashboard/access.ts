// Who may do what: reads need a signed-in user when auth is set; actions always need an admin, a dashboard
// that is not read-only, a same-origin request and (for credentials a browser sends by itself) the CSRF token.
import type { Context, MiddlewareHandler } from "hono";
import { authenticate, type Authentication } from "./auth.js";
import type { DashboardAuth } from "./dashboard-options.js";
import { crossSiteReason } from "./csrf.js";
import { html } from "./html.js";
import type { DashboardServices } from "./services.js";

/** Hono variables the access middleware sets. */
export interface AccessVariables {
  identity: Authentication | undefined;
}

/** The Hono environment of the dashboard app. */
export interface DashboardEnv {
  Variables: AccessVariables;
}

function problem(c: Context, status: 401 | 403, code: string, message: string, challenge: boolean): Response {
  if (challenge) c.header("www-authenticate", 'Basic realm="warren dashboard", charset="UTF-8"');
  // A person whose browser was refused (or who cancelled the sign-in prompt) reads a sentence, not JSON.
  if (c.req.method === "GET" && !c.req.path.startsWith("/api/")) {
    return c.html(
      html`<!doctype html><meta charset="utf-8" /><title>Sign in · Warren</title>
        <p>${message}.</p>
        <p>With a token, sign in with any user name and the token as password.</p>`.text,
      status,
    );
  }
  return c.json({ error: { code, message } }, status);
}

function signInHint(auth: DashboardAuth): string {
  if (typeof auth === "function") return "sign in first";
  return "token" in auth
    ? "sign in with any user name and the token as password, or send Authorization: Bearer <token>"
    : "sign in with your user name and password (Basic)";
}

/** Reads who is asking; when auth is set, refuses reads (401) from someone not signed in. */
export function identify(services: DashboardServices): MiddlewareHandler<DashboardEnv> {
  return async (c, next) => {
    const auth = services.options.auth;
    const identity = auth ? await authenticate(auth, c.req.raw) : undefined;
    if (auth && !identity) {
      return problem(c, 401, "UNAUTHENTICATED", signInHint(auth), true);
    }
    c.set("identity", identity ?? undefined);
    await next();
  };
}

/** Why an authenticated request may not act, or undefined when it may. */
function refusal(
  services: DashboardServices,
  request: Request,
  identity: Authentication,
): { code: string; message: string } | undefined {
  if (services.options.readOnly) return { code: "READ_ONLY", message: "this dashboard is read-only" };
  if (identity.role !== "admin") {
    return { code: "FORBIDDEN", message: `${identity.user} is a viewer: actions need the admin role` };
  }
  const crossSite = crossSiteReason(request);
  if (crossSite) return { code: "CROSS_SITE", message: `cross-site request refused: ${crossSite}` };
  if (identity.ambient && !services.csrf.verify(request, identity.user)) {
    return { code: "CSRF", message: "missing or wrong x-warren-csrf header: act from the dashboard's page" };
  }
  return undefined;
}

/** Refuses an action unless an admin of a writable dashboard asks for it from the dashboard's own page. */
export function requireActor(services: DashboardServices): MiddlewareHandler<DashboardEnv> {
  const logger = services.backend.logger.child({ component: "dashboard" });
  return async (c, next) => {
    const identity = c.get("identity");
    if (!identity) {
      const message = services.options.auth
        ? "sign in to act"
        : "actions need the dashboard's auth option (createDashboard({ auth })); without it the dashboard is read-only";
      return problem(c, 401, "UNAUTHENTICATED", message, services.options.auth !== undefined);
    }
    const refused = refusal(services, c.req.raw, identity);
    if (refused) {
      // A signed-in user refused is worth a line: a wrong role, or a page on another site trying its luck.
      logger.warn(
        { user: identity.user, path: c.req.path, code: refused.code },
        `dashboard: refused an action: ${refused.message}`,
      );
      return problem(c, 403, refused.code, refused.message, false);
    }
    await next();
  };
}

/** Whether the identity may act (for showing action buttons). */
export function canAct(services: DashboardServices, identity: Authentication | undefined): boolean {
  return identity !== undefined && identity.role === "admin" && !services.options.readOnly;
}
