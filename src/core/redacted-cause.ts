// Driver errors are wrapped, never passed on as they are: ioredis attaches the failed command with its
// arguments (`HELLO 3 AUTH user <password>`), and a message may echo a URL. The wrapped cause keeps what helps
// (name, message, a string `code` such as ECONNREFUSED or 28P01) and nothing else.
import { redactUrl } from "./redact-url.js";

const URL_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/[^\s"']+/gi;
const MIN_SECRET_LENGTH = 3;

/** A plain Error copying `error`'s name, message and string code, with URLs and `secret` redacted. */
export function redactedCause(error: unknown, secret = ""): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const cause = new Error(redactText(source.message, secret));
  cause.name = source.name;
  const code = (source as { code?: unknown }).code;
  if (typeof code === "string") (cause as Error & { code?: string }).code = code;
  return cause;
}

/** `text` with every URL redacted and every occurrence of `secret` replaced by `***`. */
export function redactText(text: string, secret = ""): string {
  const scrubbed = text.replace(URL_IN_TEXT, (url) => redactUrl(url));
  // Scrubbing a one- or two-character password would mangle ordinary words of the message.
  return secret.length >= MIN_SECRET_LENGTH ? scrubbed.split(secret).join("***") : scrubbed;
}
