// The Prometheus server the operator-kit test runs (Debian package `prometheus`, installed by .ci/run). Missing,
// its tests skip loudly locally and fail under WARREN_REQUIRE_SERVICES=1.
import { access, constants } from "node:fs/promises";

const CANDIDATES = [
  process.env["WARREN_TEST_PROMETHEUS"],
  "/usr/bin/prometheus",
  "/usr/local/bin/prometheus",
];

/** The prometheus binary's path, or undefined (after a loud warning) when there is none. */
export async function prometheusBinary(): Promise<string | undefined> {
  for (const path of CANDIDATES) {
    if (!path) continue;
    const found = await access(path, constants.X_OK).then(
      () => true,
      () => false,
    );
    if (found) return path;
  }
  const message = "prometheus is not installed (Debian package `prometheus`)";
  if (process.env["WARREN_REQUIRE_SERVICES"] === "1") {
    throw new Error(`${message}, and WARREN_REQUIRE_SERVICES=1 requires it`);
  }
  console.warn(`\n${"!".repeat(72)}\n!! SKIPPED: ${message}; its tests do not run.\n${"!".repeat(72)}\n`);
  return undefined;
}
