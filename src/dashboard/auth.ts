// Who is asking: bearer token, Basic credentials or the caller's own function. Secrets are compared as SHA-256
// digests with timingSafeEqual, so neither their content nor their length leaks through timing.
import { createHash, timingSafeEqual } from "node:crypto";
import type { DashboardAuth, DashboardIdentity } from "./dashboard-options.js";

/** How a request authenticated: `ambient` credentials (Basic) are ones a browser sends by itself. */
export interface Authentication extends DashboardIdentity {
  ambient: boolean;
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** Whether two secrets are equal, in time independent of where they differ. */
export function secretsEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

function basicCredentials(header: string): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The identity of `request` under `auth`, or null when it did not authenticate. */
export async function authenticate(auth: DashboardAuth, request: Request): Promise<Authentication | null> {
  if (typeof auth === "function") {
    const identity = await auth(request);
    if (!identity) return null;
    // The function may read cookies or Basic: treat its credentials as ones a browser sends by itself.
    return {
      user: String(identity.user),
      role: identity.role === "admin" ? "admin" : "viewer",
      ambient: true,
    };
  }
  const header = request.headers.get("authorization") ?? "";
  if ("token" in auth) {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (bearer?.[1]) {
      return secretsEqual(bearer[1], auth.token) ? { user: "token", role: "admin", ambient: false } : null;
    }
    const basic = basicCredentials(header);
    if (basic && secretsEqual(basic.password, auth.token)) {
      return { user: basic.user || "token", role: "admin", ambient: true };
    }
    return null;
  }
  const basic = basicCredentials(header);
  if (!basic) return null;
  // Compare against every user so the time taken does not say whether the name exists.
  let found = false;
  for (const [user, password] of Object.entries(auth.users)) {
    const match = secretsEqual(basic.user, user) && secretsEqual(basic.password, password);
    found = found || match;
  }
  return found ? { user: basic.user, role: "admin", ambient: true } : null;
}
