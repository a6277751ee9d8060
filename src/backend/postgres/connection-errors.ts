// pg errors → Warren errors, in one place. pg reports a refused connection as a bare ECONNREFUSED, refused
// credentials as a DatabaseError with SQLSTATE 28P01/28000, and a port that is not PostgreSQL as a hang (no
// timeout by default) or "Connection terminated unexpectedly". Each becomes a typed error naming the host and the
// redacted URL; the cause is scrubbed of the password.
import { redactedCause, redactText } from "../../core/redacted-cause.js";
import {
  AuthenticationError,
  BackendUnavailableError,
  ValidationError,
  WarrenError,
} from "../../errors/warren-error.js";
import type { ConnectionTarget } from "../connection-target.js";
import { UNREACHABLE_CODES } from "../network-error-codes.js";

/** What a pg error says about the connection. */
export type PgFailureKind =
  /** 28P01 (wrong password), 28000 (no such role, no pg_hba.conf entry), or no password to offer. */
  | "auth"
  /** 3D000: the URL's database does not exist. */
  | "no-database"
  /** No connection within connectionTimeoutMillis. */
  | "timeout"
  /** The peer closed the socket mid-conversation without a PostgreSQL error. */
  | "terminated"
  /** Refused, reset, unknown host, server shutting down or starting, too many connections, 08xxx. */
  | "unavailable"
  /** Anything else: a query's own error. */
  | "other";

const AUTH_CODES = new Set(["28P01", "28000"]);
const UNAVAILABLE_SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300"]);

/** Classifies a pg error. */
export function classifyPgError(error: unknown): PgFailureKind {
  if (!(error instanceof Error)) return "other";
  const code = (error as { code?: unknown }).code;
  const message = error.message;
  if (typeof code === "string") {
    if (AUTH_CODES.has(code)) return "auth";
    if (code === "3D000") return "no-database";
    if (code === "ETIMEDOUT") return "timeout";
    if (UNREACHABLE_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith("08")) {
      return "unavailable";
    }
  }
  if (/client password must be a string|SASL: .*password/i.test(message)) return "auth";
  if (/connection timeout|timeout exceeded when trying to connect/i.test(message)) return "timeout";
  if (/Connection terminated unexpectedly/i.test(message)) return "terminated";
  if (/Connection terminated|Client has encountered a connection error|not queryable/i.test(message)) {
    return "unavailable";
  }
  return "other";
}

/** Where the backend stood when a call failed, for the message. */
export interface PgFailureContext {
  /** Where the connection goes, as errors name it. */
  target: ConnectionTarget;
  /** The bound a CONNECT_TIMEOUT names. */
  connectTimeoutMs: number;
  /** Whether any connection of this backend ever completed (a cut then is an outage, not a wrong port). */
  everConnected: boolean;
}

/**
 * The Warren error for a connection failure, or `error` itself when it is not about the connection. Messages
 * name the host and the redacted URL and say what to do; no password reaches message or cause.
 */
export function pgConnectionError(error: unknown, context: PgFailureContext): unknown {
  if (error instanceof WarrenError) return error;
  const kind = classifyPgError(error);
  if (kind === "other") return error;
  const { target, connectTimeoutMs } = context;
  const detail = redactText(error instanceof Error ? error.message : String(error), target.password);
  const cause = redactedCause(error, target.password);
  const details = { host: target.host, url: target.url };
  switch (kind) {
    case "auth":
      return new AuthenticationError(
        `PostgreSQL at ${target.host} refused the credentials of ${target.url} (${detail}); fix the user ` +
          `name and password in the URL, or the server's pg_hba.conf`,
        { cause, details },
      );
    case "no-database":
      return new ValidationError(
        "INVALID_URL",
        `PostgreSQL at ${target.host} has no such database (${detail}); create it, or fix the database ` +
          `name in ${target.url}`,
        { cause, details },
      );
    case "timeout":
      return new BackendUnavailableError(
        `PostgreSQL at ${target.host} did not complete a connection within ${connectTimeoutMs} ms ` +
          `(${target.url}); check that the address is a PostgreSQL server and that no firewall drops the ` +
          `packets, or raise connectTimeoutMs`,
        { code: "CONNECT_TIMEOUT", cause, details: { ...details, connectTimeoutMs } },
      );
    case "terminated":
      // pg says the same when a refused attempt ends and when another kind of server hangs up on the
      // startup message: before any connection succeeded, name both.
      if (!context.everConnected) {
        return new BackendUnavailableError(
          `the connection to ${target.host} closed before the PostgreSQL handshake finished (${detail}); ` +
            `check that the server is running and that ${target.url} points at PostgreSQL, then retry`,
          { cause, details },
        );
      }
      return unavailable(detail, context, cause);
    default:
      return unavailable(detail, context, cause);
  }
}

function unavailable(detail: string, context: PgFailureContext, cause: Error): BackendUnavailableError {
  const { target } = context;
  return new BackendUnavailableError(
    `PostgreSQL at ${target.host} is unreachable (${detail}); check that it is running and that ` +
      `${target.url} is right, then retry`,
    { cause, details: { host: target.host, url: target.url } },
  );
}
