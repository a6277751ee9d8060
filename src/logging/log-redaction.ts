// What pino must hide in a Warren record: URLs keep their host but lose their password, secrets go entirely.
// Pass `warrenRedaction` to your own pino (`pino({ redact: warrenRedaction })`) to get the same guarantee.
import { redactUrl } from "../core/redact-url.js";

/** Keys whose value is a secret wherever it appears (top level or one object down). */
const SECRET_KEYS = ["password", "token", "authorization", "secret"];
/** Keys whose value is a URL that may carry a password. */
const URL_KEYS = ["url", "storeUrl", "connectionString"];

const atTopAndOneDown = (keys: readonly string[]): string[] => keys.flatMap((key) => [key, `*.${key}`]);

/** pino's `redact` option for Warren's records. */
export const warrenRedaction = Object.freeze({
  paths: [...atTopAndOneDown(URL_KEYS), ...atTopAndOneDown(SECRET_KEYS)],
  censor: censor,
});

/** A URL keeps what an operator needs (scheme, host, port, path) and loses its password; a secret goes. */
function censor(value: unknown, path: string[]): unknown {
  const key = path[path.length - 1] ?? "";
  if (SECRET_KEYS.includes(key)) return "[Redacted]";
  return typeof value === "string" ? redactUrl(value) : "[Redacted]";
}
