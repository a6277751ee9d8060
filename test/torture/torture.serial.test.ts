// CI's run of the torture model checker (issue #7 part 5): every backend, a fixed seed and one random seed
// (printed), with kill, cut and restart faults, at a size that keeps the file under ~5 minutes on two cores.
// Serial project: it is heavy, and it starts (and restarts) its own redis-server beside the shared one.
// Any violation fails the test, with the checker's violation list and the command that replays the run.
import { describe, expect, it } from "vitest";
import { replayCommand } from "../../bench/torture/args.js";
import { BACKEND_SHORTHANDS, serversOf } from "../../bench/torture/backend-url.js";
import { randomSeed } from "../../bench/torture/prng.js";
import { formatDetails, formatTable } from "../../bench/torture/report.js";
import { runTorture, type TortureOptions, type TortureResult } from "../../bench/torture/run-torture.js";
import { requireService } from "../helpers/services.js";

const FIXED_SEED = 20_261_201;
const RANDOM_SEED = Number(process.env["WARREN_TORTURE_SEED"] ?? randomSeed());
const JOBS = 120;
const DURATION_MS = 8_000;
/** Five runs at once, each up to ~2 minutes when a kill lands late (stall recovery is 30 s + 5 s). */
const RUN_TIMEOUT_MS = 240_000;

const SERVICE_NAMES = {
  redis: "redis",
  postgres: "postgres",
  amqp: "rabbitmq",
  "redis-cluster": "redis-cluster",
} as const;

async function reachableBackends(): Promise<string[]> {
  const names: string[] = [];
  for (const [name, url] of Object.entries(BACKEND_SHORTHANDS)) {
    let ok = true;
    for (const server of serversOf(url)) ok = (await requireService(SERVICE_NAMES[server])) && ok;
    if (ok) names.push(name);
  }
  return names;
}

const backends = await reachableBackends();

/** Runs every backend at once with `seed`; returns the failure text, or "" when every promise held. */
async function tortureAll(seed: number): Promise<string> {
  const runs: TortureOptions[] = backends.map((name) => ({
    url: BACKEND_SHORTHANDS[name]!,
    jobs: JOBS,
    seed,
    faults: ["kill", "cut", "restart"],
    workers: 2,
    durationMs: DURATION_MS,
    faultIntervalMs: 4_000,
    verbose: false,
  }));
  const results: TortureResult[] = await Promise.all(runs.map((options) => runTorture(options)));
  const failures: string[] = [];
  for (const result of results) {
    const replay = replayCommand(result.options);
    console.log(formatDetails(result, replay));
    const failing = result.verdict.violations;
    if (failing.length > 0) {
      failures.push(
        `${result.label}: ${failing.map((v) => `${v.kind} ${v.id}: expected ${v.expected}; seen ${v.seen} — ${v.plan}`).join("\n  ")}\n  replay: ${replay}`,
      );
    }
  }
  console.log(`\n${formatTable(results)}\nseed ${seed}`);
  return failures.join("\n");
}

describe.runIf(backends.length > 0)(`torture model checker (${backends.join(", ")})`, () => {
  it(
    `fixed seed ${FIXED_SEED}: every backend keeps its promises under kill, cut and restart faults`,
    async () => {
      expect(await tortureAll(FIXED_SEED)).toBe("");
    },
    RUN_TIMEOUT_MS,
  );

  it(
    `random seed ${RANDOM_SEED} (replay with WARREN_TORTURE_SEED=${RANDOM_SEED}): the same`,
    async () => {
      console.log(`torture random seed: ${RANDOM_SEED}`);
      expect(await tortureAll(RANDOM_SEED)).toBe("");
    },
    RUN_TIMEOUT_MS,
  );
});
