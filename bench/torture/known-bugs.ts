// Violations of bugs already found, filed and pinned by a regression test (test/torture/regressions.test.ts),
// still open on main. CI lists them loudly but fails only on anything else, so a new bug is never hidden
// behind an old one; WARREN_TORTURE_STRICT=1 fails on these too.
import type { Violation } from "./checker.js";

/** An open bug, and how to recognise its violations. */
export interface KnownBug {
  name: string;
  /** The regression test that pins it. */
  test: string;
  matches: (violation: Violation, backend: string) => boolean;
}

/** Every open bug the checker has found. */
export const KNOWN_BUGS: KnownBug[] = [
  {
    name: "a job added after its dependency already failed for good waits in waiting-children forever",
    test: "a job added after its dependency failed for good fails at once instead of waiting forever",
    matches: (violation) =>
      violation.kind === "stuck" &&
      violation.seen.startsWith("waiting-children") &&
      /dependency \S+ ended (failed|cancelled|expired)/.test(violation.plan),
  },
  {
    // Seen as `early` (it started before its dependencies ended), and as `ran-when-it-must-not` plus
    // `wrong-state` (it ran and completed although a dependency failed, or never ended).
    name: "a delayed job with dependsOn starts when its delay ends, before its dependencies complete",
    test: "a delayed job with dependsOn waits for its dependency even after its delay ends",
    matches: (violation) =>
      ["early", "ran-when-it-must-not", "wrong-state"].includes(violation.kind) &&
      /dependsOn/.test(violation.plan) &&
      /delay \d+/.test(violation.plan),
  },
  {
    name: "RedisBackend.enqueue leaves the registry SADD's rejection unhandled when the enqueue script fails first",
    test: "a Redis restart under a producer with QueueEvents (own redis-server) leaves no unhandled rejection behind",
    matches: (violation) =>
      violation.kind === "unhandled" && /MaxRetriesPerRequestError/.test(violation.seen),
  },
  {
    name: "on amqp, a job that fails and retries with no backoff can stay waiting forever",
    test: "a job that fails once and retries with no backoff completes on its second try",
    matches: (violation, backend) =>
      backend.startsWith("amqp") &&
      violation.kind === "stuck" &&
      violation.seen.startsWith("waiting") &&
      !violation.seen.startsWith("waiting-children") &&
      /threw/.test(violation.seen) &&
      !/backoff/.test(violation.plan),
  },
];

/** Splits violations into those of known open bugs (with the bug) and new ones. */
export function triage(
  violations: Violation[],
  backend: string,
): { known: Array<{ bug: KnownBug; violation: Violation }>; fresh: Violation[] } {
  const known: Array<{ bug: KnownBug; violation: Violation }> = [];
  const fresh: Violation[] = [];
  for (const violation of violations) {
    const bug = KNOWN_BUGS.find((candidate) => candidate.matches(violation, backend));
    if (bug) known.push({ bug, violation });
    else fresh.push(violation);
  }
  return { known, fresh };
}
