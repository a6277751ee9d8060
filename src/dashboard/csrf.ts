// Cross-site request refusal for actions. A browser attaches Basic credentials by itself, so an action must
// also prove it came from the dashboard's own page: same-origin by Origin / Sec-Fetch-Site, and the
// `x-warren-csrf` header, an HMAC of the user only the page (same-origin) can read.
import { createHmac, randomBytes } from "node:crypto";
import { secretsEqual } from "./auth.js";

/** The header an action carries its CSRF token in. */
export const CSRF_HEADER = "x-warren-csrf";

/** Issues and checks CSRF tokens under one key. */
export class CsrfTokens {
  private readonly key: string;

  constructor(secret: string | undefined) {
    this.key = secret ?? randomBytes(32).toString("hex");
  }

  /** The token of `user`: stable for the key's life, so every tab of one user shares it. */
  tokenFor(user: string): string {
    return createHmac("sha256", this.key).update(`warren-dashboard-csrf:${user}`).digest("base64url");
  }

  /** Whether `request` carries the token of `user`. */
  verify(request: Request, user: string): boolean {
    const given = request.headers.get(CSRF_HEADER);
    return given !== null && secretsEqual(given, this.tokenFor(user));
  }
}

/**
 * Why `request` looks cross-site, or undefined when it does not: a Sec-Fetch-Site other than same-origin or
 * none, or an Origin whose host differs from the request's Host.
 */
export function crossSiteReason(request: Request): string | undefined {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") return `Sec-Fetch-Site is ${site}`;
  const origin = request.headers.get("origin");
  if (origin === null) return undefined;
  // Behind a proxy that rewrites Host, the browser's host arrives as X-Forwarded-Host. A cross-site page cannot
  // set that header on a request without a CORS preflight, which the dashboard never grants.
  const hosts = [request.headers.get("host") ?? new URL(request.url).host];
  const forwarded = request.headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  if (forwarded) hosts.push(forwarded);
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return `Origin ${origin} is not a URL`;
  }
  return hosts.includes(originHost) ? undefined : `Origin ${origin} is not this dashboard's host`;
}
