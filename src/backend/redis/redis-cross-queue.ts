// Jobs that depend on jobs of other queues, on a Redis Cluster, where each queue is one slot and a script may
// touch one slot only. Such an edge is kept on both sides (see scripts/lib/dependencies.lua): the dependency's
// queue knows its dependants (link-dependants, run before they are stored), the dependant's queue knows how its
// dependencies ended (settle-cross, run after one ends). Every step is idempotent and recorded before the next
// one runs, so a process that dies in between loses no edge:
// - died after linking, or between two store calls: the add failed, and no stored job waits on one that was not
//   stored (calls go dependencies first); an outcome that arrives for a dependant never stored expires after a
//   week. Adding the flow again (same ids) links again and returns the jobs already stored.
// - died after a dependency ended, before settling: the entry is still in its queue's "xsettle" set, and
//   maintenance of that queue settles it (repairAcross).
// One server keeps the single-script path: none of this runs there.
import type { EnqueueResult, NewJobRecord } from "../records.js";
import { decodeEnqueueReply, type EnqueueReply, toEnqueuePayload } from "./record-codec.js";
import type { RedisStoreContext } from "./redis-context.js";
import { groupBy } from "./redis-util.js";

/** An entry left in "xsettle" this long is taken to belong to a process that died before settling it. */
const REPAIR_AFTER_MS = 10_000;
/** Entries settled per maintenance pass of a queue. */
const REPAIR_LIMIT = 100;

/** One side of an edge, as link-dependants reads it. */
interface LinkEntry {
  id: string;
  ref?: string;
  batch: boolean;
}

/** Whether a batch needs the cross-queue path: it spans queues, or one of its jobs waits on another queue. */
export function spansQueues(records: readonly NewJobRecord[]): boolean {
  const queue = records[0]?.queue;
  return records.some(
    (record) =>
      record.queue !== queue || record.opts.dependsOn.some((ref) => ref.slice(0, ref.indexOf(":")) !== queue),
  );
}

/**
 * Stores a batch that spans queues: checks and links every dependency in another queue first (in its queue),
 * then stores each queue's records with one enqueue-jobs call. A missing dependency is refused before any job
 * is stored.
 */
export async function enqueueAcross(
  ctx: RedisStoreContext,
  records: NewJobRecord[],
  /** As for enqueue: the lease new waiting jobs' outbox entries get when the caller publishes them itself. */
  outboxLeasedUntil?: number,
): Promise<EnqueueResult[]> {
  const inBatch = new Set(records.map((record) => `${record.queue}:${record.id}`));
  const spans = new Set(records.map((record) => record.queue)).size > 1;
  const links = new Map<string, LinkEntry[]>();
  for (const record of records) {
    for (const dep of record.opts.dependsOn) {
      const colon = dep.indexOf(":");
      const queue = dep.slice(0, colon);
      const batch = inBatch.has(dep);
      // Same-queue dependencies are checked by enqueue-jobs; checked here too when the batch spans queues, so
      // that a missing one refuses the batch before another queue's call stores anything.
      if (queue === record.queue && (batch || !spans)) continue;
      const entry: LinkEntry = { id: dep.slice(colon + 1), batch };
      if (queue !== record.queue) entry.ref = `${record.queue}:${record.id}`;
      const list = links.get(queue);
      if (list) list.push(entry);
      else links.set(queue, [entry]);
    }
  }
  /** Outcomes of dependencies that had ended already, by dependant ref. */
  const ended = new Map<string, Record<string, string>>();
  for (const [queue, entries] of links) {
    const outcomes = (await ctx.run("link-dependants", queue, [JSON.stringify(entries)])) as string[];
    entries.forEach((entry, i) => {
      const outcome = outcomes[i];
      if (!entry.ref || !outcome) return;
      const known = ended.get(entry.ref) ?? {};
      known[`${queue}:${entry.id}`] = outcome;
      ended.set(entry.ref, known);
    });
  }
  const results: EnqueueResult[] = new Array<EnqueueResult>(records.length);
  const levels = storeLevels(records);
  const indexed = records.map((record, index) => ({ record, index }));
  // Level by level, one call per queue: a call stores only jobs whose dependencies in the batch are stored by
  // it or by an earlier call, so a process that dies between two calls leaves no job waiting on one that will
  // never be stored (only dependants missing, whose add failed).
  const calls = groupBy(indexed, ({ record, index }) => `${levels[index]}\n${record.queue}`);
  const order = [...calls.keys()].sort((a, b) => Number(a.split("\n")[0]) - Number(b.split("\n")[0]));
  for (const key of order) {
    const list = calls.get(key)!;
    const queue = list[0]!.record.queue;
    const payload = list.map(({ record }) => ({
      ...toEnqueuePayload(record),
      xdeps: ended.get(`${record.queue}:${record.id}`) ?? {},
    }));
    const [reply] = (await Promise.all([
      ctx.run("enqueue-jobs", queue, [
        ctx.clock.now(),
        ctx.outbox(),
        JSON.stringify(payload),
        outboxLeasedUntil ?? "",
      ]),
      ctx.register(queue),
    ])) as [EnqueueReply, unknown];
    list.forEach(({ record, index }, i) => (results[index] = decodeEnqueueReply(record, reply[i]!)));
  }
  return results;
}

/**
 * Each record's level: 0 without dependencies in the batch; else its batch dependencies' level, plus one for
 * one in another queue (stored by an earlier call). The batch's dependsOn links form no cycle (checked before).
 * @internal Exported for its unit test.
 */
export function storeLevels(records: readonly NewJobRecord[]): number[] {
  const byRef = new Map(records.map((record, index) => [`${record.queue}:${record.id}`, index]));
  const levels = new Array<number | undefined>(records.length);
  const levelOf = (index: number): number => {
    const known = levels[index];
    if (known !== undefined) return known;
    levels[index] = 0;
    const record = records[index]!;
    let level = 0;
    for (const ref of record.opts.dependsOn) {
      const dep = byRef.get(ref);
      if (dep === undefined) continue;
      const cross = records[dep]!.queue !== record.queue ? 1 : 0;
      level = Math.max(level, levelOf(dep) + cross);
    }
    levels[index] = level;
    return level;
  };
  return records.map((_, index) => levelOf(index));
}

/** Maintenance: settles the entries of `queue`'s "xsettle" set that a process left behind (see above). */
export async function repairAcross(ctx: RedisStoreContext, queue: string, now: number): Promise<void> {
  const stale = await ctx.command(() =>
    ctx.client.zrangebyscore(
      `${ctx.keys.base(queue)}xsettle`,
      "-inf",
      now - REPAIR_AFTER_MS,
      "LIMIT",
      0,
      REPAIR_LIMIT,
    ),
  );
  if (stale.length > 0) await ctx.settleAcross(stale);
}
