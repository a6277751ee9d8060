// The common completion without a transaction: jobs with removeOnComplete: true that nothing waits on are
// deleted by one statement (finish_fast.sql); everything else goes on to finishOutcomes. A queue whose jobs
// are kept would pay that statement for nothing, so after a miss it is skipped for a while.
import type { FinishStatus, Outcome } from "../records.js";
import { startedAt } from "./event-times.js";
import { finishOutcomes } from "./finish-outcomes.js";
import type { PgSession } from "./pg-session.js";
import type { PgTx } from "./pg-tx.js";

/** Finish calls a queue skips the fast path after one in which it deleted nothing. */
const SKIP_AFTER_MISS = 100;

/** Which queues are worth the fast statement: all, except for a while after one deleted nothing. */
export class FastFinishGate {
  private readonly skipsLeft = new Map<string, number>();

  /** The completions to offer the fast statement. */
  candidates(outcomes: Outcome[]): Outcome[] {
    const open = new Map<string, boolean>();
    return outcomes.filter((outcome) => {
      if (outcome.kind !== "completed") return false;
      const queue = outcome.lock.queue;
      let isOpen = open.get(queue);
      if (isOpen === undefined) {
        const left = this.skipsLeft.get(queue) ?? 0;
        isOpen = left <= 0;
        if (isOpen) this.skipsLeft.delete(queue);
        else this.skipsLeft.set(queue, left - 1);
        open.set(queue, isOpen);
      }
      return isOpen;
    });
  }

  /** After a fast call: queues offered that deleted nothing are skipped for the next calls. */
  update(offered: Outcome[], recorded: ReadonlyMap<Outcome, FinishStatus>): void {
    const hit = new Set([...recorded.keys()].map((outcome) => outcome.lock.queue));
    for (const outcome of offered) {
      if (!hit.has(outcome.lock.queue)) this.skipsLeft.set(outcome.lock.queue, SKIP_AFTER_MISS);
    }
  }
}

/**
 * Records a batch of finished tries: the completions the gate lets through go to finish_fast first, on their
 * own; the rest, in one transaction, to finishOutcomes. Statuses come back in the order of `outcomes`.
 */
export async function finish(
  session: PgSession,
  gate: FastFinishGate,
  outcomes: Outcome[],
): Promise<FinishStatus[]> {
  const offered = gate.candidates(outcomes);
  const recorded =
    offered.length === 0
      ? new Map<Outcome, FinishStatus>()
      : await session.tx((tx) => finishFast(tx, offered), { atomic: false });
  gate.update(offered, recorded);
  const rest = outcomes.filter((outcome) => !recorded.has(outcome));
  const statuses = rest.length === 0 ? [] : await session.tx((tx) => finishOutcomes(tx, rest));
  rest.forEach((outcome, i) => recorded.set(outcome, statuses[i]!));
  return outcomes.map((outcome) => recorded.get(outcome)!);
}

/** What finish_fast returns of each job it deleted. */
interface FastFinishRow {
  id: string;
  name: string;
  attempts_made: number;
  processed_at: string | null;
}

/** Deletes the completions finish_fast can take, with their events; returns the outcomes it recorded. */
export async function finishFast(tx: PgTx, outcomes: Outcome[]): Promise<Map<Outcome, FinishStatus>> {
  const recorded = new Map<Outcome, FinishStatus>();
  const byQueue = new Map<string, Outcome[]>();
  for (const outcome of outcomes) {
    const list = byQueue.get(outcome.lock.queue);
    if (list) list.push(outcome);
    else byQueue.set(outcome.lock.queue, [outcome]);
  }
  for (const [queue, list] of byQueue) {
    const rows = await tx.query<FastFinishRow>("finish_fast", [
      queue,
      list.map((o) => o.lock.id),
      list.map((o) => o.lock.token),
    ]);
    if (rows.length === 0) continue;
    // A second outcome for the same try finds the job gone and is reported lock-lost by finishOutcomes.
    const firstById = new Map<string, Outcome>();
    for (const outcome of list) if (!firstById.has(outcome.lock.id)) firstById.set(outcome.lock.id, outcome);
    for (const row of rows) {
      const outcome = firstById.get(row.id)!;
      recorded.set(outcome, "ok");
      const value = outcome.kind === "completed" ? outcome.returnValue : undefined;
      tx.emit(queue, "completed", row, {
        prev: "active",
        attemptsMade: row.attempts_made,
        ...startedAt(row),
        ...(value === undefined ? {} : { value }),
      });
    }
  }
  return recorded;
}
