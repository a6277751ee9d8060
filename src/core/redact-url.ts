// Credentials never reach a log line or an error message: every URL Warren prints goes through here.

/** The URL with any password (and secret-looking query values) replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass|secret|token|key/i.test(key)) parsed.searchParams.set(key, "***");
      const value = parsed.searchParams.get(key);
      // Nested URLs (the amqp `store=` parameter) are redacted too.
      if (value && /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) parsed.searchParams.set(key, redactUrl(value));
    }
    return parsed.toString();
  } catch {
    // Not parseable: hide everything between "//" and "@".
    return url.replace(/\/\/[^@/]*@/, "//***@");
  }
}
