// ioredis errors → Warren errors, in one place. ioredis reports an unreachable server as
// MaxRetriesPerRequestError (no code, no host), refused credentials as a bare ReplyError that carries the AUTH
// arguments (the password) on `command.args`, and a bad database index only as an "error" event while it goes on
// using database 0. Each becomes a typed error naming the host and the redacted URL; the cause is scrubbed.
import { redactedCause, redactText } from "../../core/redacted-cause.js";
import {
  AuthenticationError,
  BackendUnavailableError,
  ValidationError,
  WarrenError,
} from "../../errors/warren-error.js";
import type { ConnectionTarget } from "../connection-target.js";
import { UNREACHABLE_CODES } from "../network-error-codes.js";

/** What a driver error says about the connection. */
export type RedisFailureKind =
  /** WRONGPASS, NOAUTH, NOPERM: the server refused the user, the password or the rights. */
  | "auth"
  /** SELECT failed: the URL's database index is beyond the server's `databases`. */
  | "db-index"
  /** The reply was not RESP: the port belongs to another kind of server. */
  | "protocol"
  /** The connection attempt timed out (ioredis `connectTimeout`). */
  | "timeout"
  /** Refused, reset, unknown host, connection closed, retries exhausted, dataset loading. */
  | "unavailable"
  /** Anything else (a script's own error, a wrong type): not about the connection. */
  | "other";

/** Classifies an ioredis error. */
export function classifyRedisError(error: unknown): RedisFailureKind {
  if (!(error instanceof Error)) return "other";
  const message = error.message;
  const code = (error as { code?: unknown }).code;
  if (/^(WRONGPASS|NOAUTH|NOPERM)\b|invalid password|invalid username-password/i.test(message)) return "auth";
  if (/DB index is out of range|invalid DB index/i.test(message)) return "db-index";
  if (/Unknown RESP type|Protocol error/i.test(message)) return "protocol";
  if (code === "ETIMEDOUT" || /connect ETIMEDOUT/.test(message)) return "timeout";
  if (
    error.name === "MaxRetriesPerRequestError" ||
    // A Redis Cluster none of whose nodes answered (ioredis's ClusterAllFailedError and its slot refresh).
    error.name === "ClusterAllFailedError" ||
    /^Failed to refresh slots cache|^None of startup nodes is available|^Cluster isn't ready/.test(message) ||
    (typeof code === "string" && UNREACHABLE_CODES.has(code)) ||
    /^Connection is closed|Command aborted due to connection close|^LOADING\b|Stream isn't writeable/.test(
      message,
    )
  ) {
    return "unavailable";
  }
  return "other";
}

/** Where a connection stood when it failed, for the message. */
export interface RedisFailureContext {
  /** Where the connection goes, as errors name it. */
  target: ConnectionTarget;
  /** The bound a CONNECT_TIMEOUT names. */
  connectTimeoutMs: number;
  /** The socket was open and the Redis handshake under way (so the peer answered TCP, then went wrong). */
  duringHandshake: boolean;
  /** The last connection error seen, when `error` itself says nothing (MaxRetriesPerRequestError). */
  lastConnectionError?: Error | undefined;
}

/**
 * The Warren error for a connection failure of `kind`, or `error` itself when it is not about the connection.
 * Messages name the host and the redacted URL and say what to do; no password reaches message or cause.
 */
export function redisConnectionError(error: unknown, context: RedisFailureContext): unknown {
  if (error instanceof WarrenError) return error;
  const kind = classifyRedisError(error);
  if (kind === "other") return error;
  const { target } = context;
  const source =
    error instanceof Error && error.name === "MaxRetriesPerRequestError" && context.lastConnectionError
      ? context.lastConnectionError
      : error;
  const detail = redactText(source instanceof Error ? source.message : String(source), target.password);
  const options = {
    cause: redactedCause(source, target.password),
    details: { host: target.host, url: target.url },
  };
  switch (kind) {
    case "auth":
      return new AuthenticationError(
        `Redis at ${target.host} refused the credentials or rights of ${target.url} (${detail}); ` +
          `fix the user name and password in the URL, or the user's ACL`,
        options,
      );
    case "db-index":
      return new ValidationError(
        "INVALID_URL",
        `Redis at ${target.host} has no database ${databaseOf(target.url)} (${target.url}: ${detail}); ` +
          `use an index below the server's "databases" setting (16 unless configured otherwise)`,
        options,
      );
    case "protocol":
      return new BackendUnavailableError(
        `the server at ${target.host} does not answer in the Redis protocol (${detail}); ` +
          `check that ${target.url} points at a Redis server and not at another service`,
        options,
      );
    case "timeout":
      return redisTimeoutError(context, options.cause);
    default:
      return new BackendUnavailableError(
        context.duringHandshake
          ? `the server at ${target.host} closed the connection during the Redis handshake (${detail}); ` +
              `check that ${target.url} points at a Redis server`
          : `Redis at ${target.host} is unreachable (${detail}); check that it is running and that ` +
              `${target.url} is right, then retry`,
        options,
      );
  }
}

/** The peer closed the connection before the handshake finished, without an error of its own. */
export function redisClosedError(context: RedisFailureContext): BackendUnavailableError {
  const { target } = context;
  return new BackendUnavailableError(
    context.duringHandshake
      ? `the server at ${target.host} closed the connection during the Redis handshake; check that ` +
          `${target.url} points at a Redis server`
      : `Redis at ${target.host} closed the connection before it was ready; check that it is running and ` +
          `that ${target.url} is right, then retry`,
    { details: { host: target.host, url: target.url } },
  );
}

/** No answer within the connect timeout: CONNECT_TIMEOUT. */
export function redisTimeoutError(context: RedisFailureContext, cause?: Error): BackendUnavailableError {
  const { target, connectTimeoutMs } = context;
  return new BackendUnavailableError(
    context.duringHandshake
      ? `the server at ${target.host} accepted the connection but did not answer the Redis handshake within ` +
          `${connectTimeoutMs} ms; check that ${target.url} points at a Redis server`
      : `Redis at ${target.host} did not answer within ${connectTimeoutMs} ms (${target.url}); check the host ` +
          `and port and that no firewall drops the packets, or raise connectTimeoutMs`,
    {
      code: "CONNECT_TIMEOUT",
      details: { host: target.host, url: target.url, connectTimeoutMs },
      ...(cause === undefined ? {} : { cause }),
    },
  );
}

function databaseOf(url: string): string {
  try {
    return new URL(url).pathname.replace(/^\//, "") || "0";
  } catch {
    return "?";
  }
}
