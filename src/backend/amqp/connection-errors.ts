// amqplib connection failures → Warren errors, in one place. amqplib's recovery reports every failed attempt
// the same way (a "connect-failed" event with a plain Error and, for network errors only, a `code`): refused
// credentials ("403 (ACCESS-REFUSED)") were retried forever and reported as "unreachable". Each becomes a typed
// error naming the host and the redacted URL; the cause is scrubbed.
import { redactedCause, redactText } from "../../core/redacted-cause.js";
import { AuthenticationError, BackendUnavailableError, type WarrenError } from "../../errors/warren-error.js";
import type { ConnectionTarget } from "../connection-target.js";

/** What a failed connection attempt says. */
export type AmqpFailureKind =
  /** 403 ACCESS_REFUSED at login: wrong user or password. Permanent. */
  | "auth"
  /** connection.open refused (530 NOT_ALLOWED): no such vhost, or no permission on it. Permanent. */
  | "vhost"
  /** The socket timeout (connectTimeoutMs) fired before the handshake finished. */
  | "timeout"
  /** The peer broke the AMQP handshake: another kind of server on that port. */
  | "protocol"
  /** Refused, reset, unknown host. */
  | "unavailable";

/** Classifies a failed connection attempt. */
export function classifyAmqpConnectError(error: unknown): AmqpFailureKind {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  if (/ACCESS[-_]REFUSED|\b403\b/.test(message)) return "auth";
  if (/Expected ConnectionOpenOk; got <ConnectionClose|NOT[-_]ALLOWED|\b530\b/.test(message)) return "vhost";
  if (code === "ETIMEDOUT" || /ETIMEDOUT/.test(message)) return "timeout";
  if (
    /Socket closed abruptly during opening handshake|during handshake|Unexpected frame|Expected ConnectionStart|Frame size|Invalid frame|Handshake terminated/i.test(
      message,
    )
  ) {
    return "protocol";
  }
  return "unavailable";
}

/** Whether retrying the same URL cannot succeed. */
export function isPermanentAmqpFailure(kind: AmqpFailureKind): boolean {
  return kind === "auth" || kind === "vhost";
}

/** Where the connection tried to go. */
export interface AmqpFailureContext {
  /** Where the connection goes, as errors name it. */
  target: ConnectionTarget;
  /** The bound a CONNECT_TIMEOUT names. */
  connectTimeoutMs: number;
}

/** The Warren error for a failed connection attempt. */
export function amqpConnectError(error: unknown, context: AmqpFailureContext): WarrenError {
  const { target } = context;
  const detail = redactText(error instanceof Error ? error.message : String(error), target.password);
  const cause = redactedCause(error, target.password);
  const details = { host: target.host, url: target.url };
  switch (classifyAmqpConnectError(error)) {
    case "auth":
      return new AuthenticationError(
        `RabbitMQ at ${target.host} refused the login of ${target.url} (${detail}); fix the user name and ` +
          `password in the URL. Nothing is stored or fetched until then: create the backend again`,
        { cause, details },
      );
    case "vhost":
      return new AuthenticationError(
        `RabbitMQ at ${target.host} refused to open virtual host ${JSON.stringify(vhostOf(target.url))} for ` +
          `${target.url}: it does not exist, or the user has no permission on it; fix the vhost in the URL or ` +
          `grant the user access (rabbitmqctl set_permissions)`,
        { cause, details },
      );
    case "timeout":
      return amqpTimeoutError(context, cause);
    case "protocol":
      return new BackendUnavailableError(
        `the server at ${target.host} broke off the AMQP handshake (${detail}); check that ${target.url} ` +
          `points at a RabbitMQ server (port 5672, or 5671 for amqps)`,
        { cause, details },
      );
    default:
      return new BackendUnavailableError(
        `RabbitMQ at ${target.host} is unreachable (${detail}); check that it is running and that ` +
          `${target.url} is right, then retry`,
        { cause, details },
      );
  }
}

/** No connection within the connect timeout: CONNECT_TIMEOUT. */
export function amqpTimeoutError(context: AmqpFailureContext, cause?: Error): BackendUnavailableError {
  const { target, connectTimeoutMs } = context;
  return new BackendUnavailableError(
    `RabbitMQ at ${target.host} did not complete a connection within ${connectTimeoutMs} ms (${target.url}); ` +
      `check that the address is a RabbitMQ server and that no firewall drops the packets, or raise ` +
      `connectTimeoutMs`,
    {
      code: "CONNECT_TIMEOUT",
      details: { host: target.host, url: target.url, connectTimeoutMs },
      ...(cause === undefined ? {} : { cause }),
    },
  );
}

function vhostOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.replace(/^\//, "")) || "/";
  } catch {
    return "/";
  }
}
