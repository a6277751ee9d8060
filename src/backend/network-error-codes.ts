// The socket error codes that mean a server could not be reached or the connection to it broke, as Node reports
// them (`error.code`). Every driver passes them through unchanged, so the backends classify them alike.

/** errno codes of a connection refused, reset, cut or never routed: the server is unavailable for now. */
export const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "ECONNABORTED",
]);
