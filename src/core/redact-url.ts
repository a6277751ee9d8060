// Credentials never reach a log line or an error message: every URL Warren prints goes through here.

const SECRET_PARAM = /pass|secret|token|key/i;
const NESTED_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * The URL with any password (and secret-looking query values) replaced by `***`. The rest is left exactly as
 * written: re-serialising through `URL` would percent-encode what the user typed (`…` became `%E2%80%A6`),
 * so they would not recognise their own URL in the message.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not parseable: hide everything between "//" and "@".
    return url.replace(/\/\/[^@/]*@/, "//***@");
  }
  let text = parsed.password ? url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/i, "$1***@") : url;
  if (!text.includes("?")) return text;
  const queryStart = text.indexOf("?");
  const query = text
    .slice(queryStart + 1)
    .replace(/(^|&)([^=&#]*)=([^&#]*)/g, (whole, sep: string, key: string, value: string) => {
      if (SECRET_PARAM.test(decodeSafely(key))) return `${sep}${key}=***`;
      const decoded = decodeSafely(value);
      // Nested URLs (the amqp `store=` parameter) are redacted too, in the encoding they came in.
      if (!NESTED_URL.test(decoded)) return whole;
      const redacted = redactUrl(decoded);
      return `${sep}${key}=${decoded === value ? redacted : encodeURIComponent(redacted)}`;
    });
  text = `${text.slice(0, queryStart)}?${query}`;
  return text;
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}
