// The library's messages name its API (`{ force: true }`, `getSchedules()`); a CLI user needs the flag or
// command that does the same, so the CLI rewrites those phrases before printing.

const API_TO_CLI: ReadonlyArray<readonly [RegExp, string]> = [
  [/pass \{ force: true \}/g, "pass --force"],
  [/see getSchedules\(\)/g, "see `warren schedule ls <queue>`"],
  [/see getJobs\(\)/g, "see `warren job ls <queue>`"],
];

/** The message with API advice replaced by the CLI's own flags and commands. */
export function inCliWords(message: string): string {
  let text = message;
  for (const [api, cli] of API_TO_CLI) text = text.replace(api, cli);
  return text;
}
