// One torture run against one backend: plan, worker processes, producer and faults at once, quiescence, then
// the verdict. Everything the run creates is named after its run id and removed at the end.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FlowProducer, MemoryBackend, Queue, type Backend } from "../../src/index.js";
import { backendLabel, isolateUrl, openBackend, serversOf, withRedisAt } from "./backend-url.js";
import { checkRun, type Verdict } from "./checker.js";
import { removeRunData } from "./cleanup.js";
import { collectFinal, everyJobSettled } from "./collect.js";
import { EventTally } from "./event-tally.js";
import {
  applicableFaults,
  injectFaults,
  planFaults,
  type FaultKind,
  type FaultRecord,
} from "./faults/fault-injector.js";
import { OwnRedisServer } from "./faults/own-redis-server.js";
import { readLedgers } from "./ledger.js";
import { historiesFrom } from "./observations.js";
import { ClockWatch } from "./clock-watch.js";
import { generatePlan } from "./plan-generator.js";
import { QUEUE_ROLES, type QueueRole } from "./plan-types.js";
import { Prng } from "./prng.js";
import { runProducer } from "./producer.js";
import { WorkerFleet } from "./worker-fleet.js";
import type { TortureJobData } from "./worker-host.js";

/** What to run. */
export interface TortureOptions {
  url: string;
  jobs: number;
  seed: number;
  faults: FaultKind[];
  workers: number;
  /** Over how many ms the producer spreads its steps; faults fall in the same window. */
  durationMs: number;
  /** Mean time between two faults of one kind. */
  faultIntervalMs: number;
  verbose: boolean;
}

/** What a run found. */
export interface TortureResult {
  label: string;
  options: TortureOptions;
  verdict: Verdict;
  faults: FaultRecord[];
  notApplicable: FaultKind[];
  elapsedMs: number;
  /** Set when the run stopped waiting before every job had ended. */
  quiescenceTimedOut: boolean;
  notes: string[];
}

/** Time for the worker processes to boot (tsx) before the plan's clock starts. */
const BOOT_MS = 3_000;
/** Stall recovery after a SIGKILL takes lockDuration (30 s) plus up to two maintenance ticks (5 s each). */
const SETTLE_AFTER_FAULTS_MS = 75_000;
const SETTLE_WITHOUT_FAULTS_MS = 30_000;
const SETTLED_POLL_MS = 1_000;
/** Lets the last terminal events reach the listener before it is read. */
const EVENT_GRACE_MS = 2_000;
const CONCURRENCY: Record<QueueRole, number> = { main: 8, side: 4, hold: 2, trim: 2 };

/** Runs the checker once against `options.url`. */
export async function runTorture(options: TortureOptions): Promise<TortureResult> {
  const began = Date.now();
  const runId = `${options.seed.toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
  const servers = serversOf(options.url);
  const notes: string[] = [];
  const ownRedis =
    options.faults.includes("restart") && servers.has("redis") ? await OwnRedisServer.start() : undefined;
  const serverUrl = ownRedis ? withRedisAt(options.url, ownRedis.hostPort) : options.url;
  const url = isolateUrl(serverUrl, runId);
  const plan = generatePlan(options.seed, { jobs: options.jobs, addWindowMs: options.durationMs });
  const kinds = applicableFaults(options.faults, servers, ownRedis !== undefined);
  const faultPlan = planFaults(
    new Prng(options.seed ^ 0x5eed),
    kinds,
    1_000,
    options.durationMs,
    options.faultIntervalMs,
    options.workers,
  );
  const dir = mkdtempSync(join(tmpdir(), `warren-torture-${runId}-`));
  const report = (error: Error): void => {
    if (options.verbose) console.error(`[producer] ${error.message}`);
  };
  const backend: Backend =
    servers.size === 0 ? new MemoryBackend() : openBackend(url, `torture-${runId}-producer`, report);
  const names = Object.fromEntries(QUEUE_ROLES.map((role) => [role, `tq-${role}`])) as Record<
    QueueRole,
    string
  >;
  const queues = Object.fromEntries(
    QUEUE_ROLES.map((role) => [role, new Queue<TortureJobData>(names[role], { backend })]),
  ) as Record<QueueRole, Queue<TortureJobData>>;
  const tally = new EventTally();
  const clock = new ClockWatch();
  const startedAt = Date.now() + BOOT_MS;
  const fleet = new WorkerFleet({
    url,
    runId,
    dir,
    size: options.workers,
    host: { queues: names, holdOpensAt: startedAt + plan.holdOpensAt, concurrency: CONCURRENCY },
    verbose: options.verbose,
    ...(servers.size === 0 ? { inProcessBackend: backend } : {}),
  });
  const faultRecords: FaultRecord[] = [];
  const redisUrl = storeUrl(serverUrl, "redis");
  const postgresUrl = storeUrl(serverUrl, "postgres");
  let timedOut = false;
  const unhandled: string[] = [];
  const onUnhandled = (reason: unknown): void => {
    const error = reason instanceof Error ? reason : new Error(String(reason));
    unhandled.push(
      `${error.name}: ${error.message} ${error.stack?.split("\n").slice(1, 4).join(" <") ?? ""}`,
    );
  };
  // See worker-child.ts: an unhandled rejection is a finding (invariant 11), not the end of the run.
  process.on("unhandledRejection", onUnhandled);
  try {
    clock.start();
    await tally.listen(backend, Object.values(names));
    await fleet.start();
    const bootOverrun = Date.now() - startedAt;
    if (bootOverrun > 0)
      notes.push(`the worker processes booted ${bootOverrun} ms late: the first steps ran late`);
    const targets = { fleet, servers, redisUrl, postgresUrl, ownRedis, adminName: `torture-${runId}-admin` };
    const [producerLog] = await Promise.all([
      runProducer(plan, { queues, flows: new FlowProducer({ backend }) }, startedAt),
      injectFaults(faultPlan, targets, startedAt, faultRecords),
    ]);
    const lastFault = Math.max(0, ...faultRecords.map((fault) => fault.at));
    const scheduleEnd = startedAt + Math.max(0, ...plan.schedules.map((schedule) => schedule.endAt));
    const deadline =
      Math.max(producerLog.doneAt, lastFault, scheduleEnd) +
      (faultRecords.length > 0 ? SETTLE_AFTER_FAULTS_MS : SETTLE_WITHOUT_FAULTS_MS);
    while (Date.now() < scheduleEnd || !(await everyJobSettled(plan, queues).catch(() => false))) {
      if (Date.now() > deadline) {
        timedOut = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, SETTLED_POLL_MS));
    }
    await new Promise((resolve) => setTimeout(resolve, EVENT_GRACE_MS));
    await fleet.stop();
    const final = await collectFinal(plan, queues);
    const clockSteppedBackMs = clock.stop();
    if (clockSteppedBackMs > 0)
      notes.push(
        `the wall clock stepped back ${clockSteppedBackMs} ms during the run; the early check allowed that`,
      );
    const verdict = checkRun(plan, {
      clockSteppedBackMs,
      startedAt,
      holdOpensAtEpoch: startedAt + plan.holdOpensAt,
      runs: historiesFrom(readLedgers(dir)),
      producer: producerLog,
      events: tally,
      ...final,
    });
    for (const crash of [...fleet.crashes, ...unhandled.map((what) => ({ worker: "producer", what }))]) {
      verdict.violations.push({
        kind: "unhandled",
        id: crash.worker,
        plan: "a worker or producer process",
        expected: "no unhandled rejection, no crash",
        seen: crash.what,
      });
    }
    if (tally.errors.length > 0) notes.push(`QueueEvents errors: ${tally.errors.slice(0, 3).join("; ")}`);
    if (verdict.violations.length > 0 && options.verbose) notes.push(`ledgers kept in ${dir}`);
    return {
      label: backendLabel(options.url),
      options,
      verdict,
      faults: faultRecords,
      notApplicable: options.faults.filter((kind) => !kinds.includes(kind)),
      elapsedMs: Date.now() - began,
      quiescenceTimedOut: timedOut,
      notes,
    };
  } finally {
    clock.stop();
    process.off("unhandledRejection", onUnhandled);
    await fleet.stop().catch(() => undefined);
    await tally.close().catch(() => undefined);
    for (const schedule of plan.schedules)
      await queues.main.removeSchedule(schedule.key).catch(() => undefined);
    for (const queue of Object.values(queues)) await queue.obliterate({ force: true }).catch(() => undefined);
    await backend.close().catch(() => undefined);
    notes.push(
      ...(await removeRunData({
        runId,
        redisUrl: ownRedis ? undefined : redisUrl,
        postgresUrl,
        amqp: servers.has("amqp"),
      })),
    );
    await ownRedis?.stop();
    if (!options.verbose) rmSync(dir, { recursive: true, force: true });
  }
}

/** The Redis or PostgreSQL URL a backend URL uses (itself, or its amqp store), unisolated. */
function storeUrl(url: string, scheme: "redis" | "postgres"): string | undefined {
  const store = url.startsWith("amqp") ? (new URL(url).searchParams.get("store") ?? "") : url;
  // A cluster's keys are left behind (under the run's own prefix): removeRunData reads one server.
  if (store.startsWith("redis+cluster")) return undefined;
  return store.startsWith(scheme) ? store : undefined;
}
