// What a connection error says about where it tried to go: the host (as the operator knows it) and the URL with
// its credentials redacted. Every backend's connection errors are built from one of these.
import { redactUrl } from "../core/redact-url.js";

/** The server a backend connects to, as its errors name it. */
export interface ConnectionTarget {
  /** `host:port`, e.g. `127.0.0.1:6390`; the scheme's default port when the URL names none. */
  host: string;
  /** The URL with any password replaced by `***`. */
  url: string;
  /** The password in the URL (decoded), so wrapped driver messages can be scrubbed of it; "" when none. */
  password: string;
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = {
  "redis:": "6379",
  "rediss:": "6379",
  "postgres:": "5432",
  "postgresql:": "5432",
  "amqp:": "5672",
  "amqps:": "5671",
};

/** The target of `url`; an unparseable URL still yields a redacted form and an empty host. */
export function connectionTarget(url: string): ConnectionTarget {
  try {
    const parsed = new URL(url);
    const port = parsed.port || DEFAULT_PORTS[parsed.protocol] || "";
    const hostname = parsed.hostname || "localhost";
    return {
      host: port ? `${hostname}:${port}` : hostname,
      url: redactUrl(url),
      password: decodeURIComponent(parsed.password),
    };
  } catch {
    return { host: "", url: redactUrl(url), password: "" };
  }
}
