// Security headers on every answer: a strict Content-Security-Policy (no inline script or style; only what the
// handler serves itself), no framing, no MIME sniffing, no referrer leaking job ids elsewhere.

/** The policy: everything from this origin only; no inline code, no plugins, no framing, forms post here. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Headers every dashboard response carries. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

/** Pages and JSON change with every event: never cache them. */
export const NO_STORE = "no-store";
/** Assets are addressed by a version in their URL, so they may be cached for a long time. */
export const ASSET_CACHE = "public, max-age=31536000, immutable";
