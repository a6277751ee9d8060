// Errors as HTTP answers: Warren's typed errors keep their code and message; anything else is a 500.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { WarrenError } from "../../errors/warren-error.js";

/** The HTTP status a Warren error code means. */
function statusOf(error: WarrenError): ContentfulStatusCode {
  switch (error.code) {
    case "NOT_FOUND":
      return 404;
    case "CONFLICT":
    case "LOCK_LOST":
    case "LOCK_HELD":
      return 409;
    case "UNSUPPORTED":
      return 501;
    case "BACKEND_UNAVAILABLE":
    case "CONNECT_TIMEOUT":
      return 503;
    default:
      return error.name === "ValidationError" ? 400 : 500;
  }
}

/** The status and JSON body for `error`. */
export function describeError(error: unknown): {
  status: ContentfulStatusCode;
  code: string;
  message: string;
} {
  if (error instanceof WarrenError)
    return { status: statusOf(error), code: error.code, message: error.message };
  if (error instanceof SyntaxError)
    return { status: 400, code: "INVALID_JSON", message: `the request body is not JSON: ${error.message}` };
  return { status: 500, code: "INTERNAL", message: error instanceof Error ? error.message : String(error) };
}

/** Answers `error` as `{ error: { code, message } }`. */
export function errorResponse(c: Context, error: unknown): Response {
  const { status, code, message } = describeError(error);
  return c.json({ error: { code, message } }, status);
}
