// Plans faults from the seed and injects them while the run goes on: SIGKILL a worker (then respawn it), cut
// one worker's server connections, or restart the run's own Redis. Every fault targets only this run.
import type { ServerKind } from "../backend-url.js";
import type { Prng } from "../prng.js";
import type { WorkerFleet } from "../worker-fleet.js";
import { cutAmqpConnections } from "./amqp-cut.js";
import type { OwnRedisServer } from "./own-redis-server.js";
import {
  killRedisClientsNamed,
  terminatePostgresConnectionsNamed,
} from "../../../test/helpers/server-admin.js";

/** The fault kinds `--faults` accepts. */
export const FAULT_KINDS = ["kill", "cut", "restart"] as const;

/** One of {@link FAULT_KINDS}. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A fault at `at` ms from the run's start against worker slot `slot`; `pauseMs` is respawn or downtime. */
export interface PlannedFault {
  at: number;
  kind: FaultKind;
  slot: number;
  pauseMs: number;
  /** For a cut on amqp: 0 cuts the broker connection, 1 the store's, 2 both. */
  variant: number;
}

/** What an injected fault did. */
export interface FaultRecord {
  at: number;
  kind: FaultKind;
  target: string;
  detail: string;
}

/** Servers and handles the injector can act on. */
export interface FaultTargets {
  fleet: WorkerFleet;
  servers: Set<ServerKind>;
  /** The store's or backend's Redis and PostgreSQL URLs (unisolated: admin connections need no prefix). */
  redisUrl: string | undefined;
  postgresUrl: string | undefined;
  ownRedis: OwnRedisServer | undefined;
  adminName: string;
}

const CUT_RETRY_MS = 500;
/** The management API lists a new connection only after its stats tick (5 s by default). */
const CUT_PATIENCE_MS = 7_000;

/** Faults of the enabled kinds, about one per `meanIntervalMs` each, in [startMs, endMs]. */
export function planFaults(
  random: Prng,
  kinds: readonly FaultKind[],
  startMs: number,
  endMs: number,
  meanIntervalMs: number,
  slots: number,
): PlannedFault[] {
  const faults: PlannedFault[] = [];
  for (const kind of kinds) {
    for (
      let at = startMs + random.int(0, meanIntervalMs);
      at <= endMs;
      at += random.int(meanIntervalMs / 2, (meanIntervalMs * 3) / 2)
    ) {
      const pauseMs = kind === "restart" ? random.int(300, 2_000) : random.int(100, 1_500);
      faults.push({ at, kind, slot: random.int(0, slots - 1), pauseMs, variant: random.int(0, 2) });
    }
  }
  return faults.sort((a, b) => a.at - b.at);
}

/** Which faults make sense on these servers; the others are reported as not applicable. */
export function applicableFaults(
  kinds: readonly FaultKind[],
  servers: Set<string>,
  hasOwnRedis: boolean,
): FaultKind[] {
  return kinds.filter((kind) =>
    kind === "cut" ? servers.size > 0 : kind === "restart" ? hasOwnRedis : true,
  );
}

/** Injects `faults` at their times (relative to `startedAt`); faults run one after another. */
export async function injectFaults(
  faults: PlannedFault[],
  targets: FaultTargets,
  startedAt: number,
  records: FaultRecord[],
): Promise<void> {
  for (const fault of faults) {
    const wait = startedAt + fault.at - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const at = Date.now();
    try {
      records.push({ at, kind: fault.kind, ...(await inject(fault, targets)) });
    } catch (error) {
      records.push({
        at,
        kind: fault.kind,
        target: `w${fault.slot}`,
        detail: `injection failed: ${(error as Error).message}`,
      });
    }
  }
}

async function inject(
  fault: PlannedFault,
  targets: FaultTargets,
): Promise<{ target: string; detail: string }> {
  const name = targets.fleet.nameOf(fault.slot);
  switch (fault.kind) {
    case "kill":
      await targets.fleet.killAndRespawn(fault.slot, fault.pauseMs);
      return { target: name, detail: `SIGKILL, respawned after ${fault.pauseMs} ms` };
    case "restart":
      await targets.ownRedis!.restart(fault.pauseMs);
      return { target: `redis ${targets.ownRedis!.hostPort}`, detail: `SIGKILL, down ${fault.pauseMs} ms` };
    case "cut": {
      const deadline = Date.now() + CUT_PATIENCE_MS;
      for (;;) {
        const cut = await cutOnce(fault, name, targets);
        if (cut.total > 0 || Date.now() > deadline) return { target: name, detail: cut.detail };
        await new Promise((resolve) => setTimeout(resolve, CUT_RETRY_MS));
      }
    }
  }
}

async function cutOnce(
  fault: PlannedFault,
  name: string,
  targets: FaultTargets,
): Promise<{ total: number; detail: string }> {
  const parts: string[] = [];
  let total = 0;
  const broker = targets.servers.has("amqp");
  const cutBroker = broker && fault.variant !== 1;
  const cutStore = !broker || fault.variant !== 0;
  if (cutBroker) {
    const n = await cutAmqpConnections(name);
    parts.push(`${n} broker`);
    total += n;
  }
  if (cutStore && targets.servers.has("redis") && targets.redisUrl) {
    const n = await killRedisClientsNamed(name, { url: targets.redisUrl, adminName: targets.adminName });
    parts.push(`${n} redis`);
    total += n;
  }
  if (cutStore && targets.servers.has("postgres") && targets.postgresUrl) {
    const n = await terminatePostgresConnectionsNamed(name, {
      url: targets.postgresUrl,
      adminName: targets.adminName,
    });
    parts.push(`${n} postgres`);
    total += n;
  }
  return { total, detail: `cut ${parts.join(" + ")} connection(s)` };
}
