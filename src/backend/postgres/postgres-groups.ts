// Fairness groups on PostgreSQL. Claims of a queue are serialised by its locked queue row, so a claim round
// is planned in JavaScript: the ungrouped jobs and each group with ready jobs take turns (least recently
// served first) within each group's limits, then one statement claims the plan with SKIP LOCKED.
import type { ClaimRequest } from "../job-store.js";
import type { ReadyClaimRequest } from "../job-store.js";
import type { GroupLimits } from "../records.js";
import { leaseParams, type PgTx } from "./pg-tx.js";
import type { JobRow } from "./record-codec.js";

/** How soon a fetch or delivery retries when a group's concurrency holds its ready jobs back. */
const GROUP_BUSY_RETRY_MS = 200;

/** The locked queue row. */
export interface QueueFlags {
  paused: boolean;
  limiter_starts: string[];
  grouped: boolean;
  turns: string;
  ungrouped_turn: string;
}

interface GroupRow {
  group_id: string;
  turn: string;
  limiter_starts: number[];
  active: number;
  ready?: number;
}

/** A candidate of one round: how many more it may start, and its turn. */
interface Candidate {
  group: string | undefined;
  turn: number;
  room: number;
  starts: number[];
}

/** Claims up to `allowed` jobs round-robin over groups, honouring the worker's group limits. */
export async function claimFair(
  tx: PgTx,
  queue: string,
  request: ReadyClaimRequest,
  allowed: number,
  flags: QueueFlags,
): Promise<{ rows: JobRow[]; wakeAt: number | undefined }> {
  const limits = request.groupLimits;
  const groups = await tx.query<GroupRow>("group_candidates", [queue, allowed]);
  const [ungrouped] = await tx.query<{ ready: number }>("ungrouped_ready", [queue, allowed]);
  const candidates: Candidate[] = [];
  if ((ungrouped?.ready ?? 0) > 0) {
    candidates.push({
      group: undefined,
      turn: Number(flags.ungrouped_turn),
      room: ungrouped!.ready,
      starts: [],
    });
  }
  let wakeAt: number | undefined;
  for (const row of groups) {
    const starts = windowOf(row.limiter_starts, limits, tx.now);
    const room = Math.min(row.ready ?? 0, roomLeft(row.active, starts, limits));
    if (room > 0) candidates.push({ group: row.group_id, turn: Number(row.turn), room, starts });
    else wakeAt = Math.min(wakeAt ?? Infinity, retryAt(starts, limits, tx.now));
  }
  let turns = Number(flags.turns);
  const plan = new Map<string, number>();
  for (let taken = 0; taken < allowed; taken++) {
    let next: Candidate | undefined;
    for (const candidate of candidates) {
      if (candidate.room > 0 && (!next || candidate.turn < next.turn)) next = candidate;
    }
    if (!next) break;
    turns += 1;
    next.turn = turns;
    next.room -= 1;
    if (limits?.limiter) next.starts.push(tx.now);
    const key = next.group ?? "";
    plan.set(key, (plan.get(key) ?? 0) + 1);
  }
  if (plan.size === 0) return { rows: [], wakeAt };
  const rows = await tx.query<JobRow>("claim_planned", [
    queue,
    [...plan.keys()],
    [...plan.values()],
    ...leaseParams(request, tx.now),
  ]);
  const served = candidates.filter((c) => c.group !== undefined && plan.has(c.group));
  const ungroupedTurn = candidates.find((c) => c.group === undefined)?.turn ?? Number(flags.ungrouped_turn);
  await tx.query("save_turns", [
    queue,
    JSON.stringify(served.map((c) => ({ group_id: c.group, turn: c.turn, limiter_starts: c.starts }))),
    turns,
    ungroupedTurn,
  ]);
  return { rows, wakeAt };
}

/** For a transport's claim: admits deliveries within their group's limits and counts what it admits. */
export async function claimGroupVerdicts(
  tx: PgTx,
  request: ClaimRequest,
  rows: JobRow[],
): Promise<{ admit: (row: JobRow) => number | undefined; save: () => Promise<void> } | undefined> {
  const limits = request.groupLimits;
  const ids = [...new Set(rows.flatMap((row) => (row.group_id ? [row.group_id] : [])))];
  if (!limits || ids.length === 0) return undefined;
  const states = new Map(
    (await tx.query<GroupRow>("group_states", [request.queue, ids])).map((row) => [
      row.group_id,
      { ...row, starts: windowOf(row.limiter_starts, limits, tx.now) },
    ]),
  );
  return {
    admit(row) {
      const state = row.group_id ? states.get(row.group_id) : undefined;
      if (!state) return undefined;
      if (roomLeft(state.active, state.starts, limits) <= 0) return retryAt(state.starts, limits, tx.now);
      state.active += 1;
      if (limits.limiter) state.starts.push(tx.now);
      return undefined;
    },
    async save() {
      const saved = [...states.values()].map((s) => ({ group_id: s.group_id, limiter_starts: s.starts }));
      await tx.query("save_group_windows", [request.queue, JSON.stringify(saved)]);
    },
  };
}

function windowOf(starts: number[], limits: GroupLimits | undefined, now: number): number[] {
  return limits?.limiter ? starts.filter((t) => t > now - limits.limiter!.duration) : [];
}

function roomLeft(active: number, starts: number[], limits: GroupLimits | undefined): number {
  let room = Infinity;
  if (limits?.concurrency !== undefined) room = Math.min(room, limits.concurrency - active);
  if (limits?.limiter) room = Math.min(room, limits.limiter.max - starts.length);
  return room;
}

/** When a group held back by its limits may start again. */
function retryAt(starts: number[], limits: GroupLimits | undefined, now: number): number {
  if (limits?.limiter && starts.length >= limits.limiter.max) return starts[0]! + limits.limiter.duration;
  return now + GROUP_BUSY_RETRY_MS;
}
