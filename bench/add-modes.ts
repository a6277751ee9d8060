// The three ways the bench adds jobs, shared by Warren's systems and the peers: one at a time (each awaited),
// 100 in flight, and bulk calls of 1,000. Each returns jobs per second. And the backlog of no-op jobs a
// process-rate run drains, added in bulk calls of 1,000.

/** How jobs are added. */
export type AddMode = "sequential" | "inflight100" | "bulk1000";

export const ADD_MODES: AddMode[] = ["sequential", "inflight100", "bulk1000"];

/** Sequential adds are capped here so a slow system's run stays short. */
export const SEQUENTIAL_CAP = 1_000;

/** Jobs added in a run of `mode`. */
export function addCount(mode: AddMode, jobs: number): number {
  return mode === "sequential" ? Math.min(jobs, SEQUENTIAL_CAP) : jobs;
}

/** Times `count` adds in `mode`; `addOne` adds a single job, `addMany(n)` adds n in one call. */
export async function timeAdds(
  mode: AddMode,
  count: number,
  addOne: () => Promise<unknown>,
  addMany: (n: number) => Promise<unknown>,
): Promise<number> {
  const started = performance.now();
  if (mode === "sequential") {
    for (let i = 0; i < count; i++) await addOne();
  } else if (mode === "inflight100") {
    let issued = 0;
    await Promise.all(
      Array.from({ length: Math.min(100, count) }, async () => {
        while (issued < count) {
          issued += 1;
          await addOne();
        }
      }),
    );
  } else {
    for (let added = 0; added < count; added += 1000) await addMany(Math.min(1000, count - added));
  }
  return count / ((performance.now() - started) / 1000);
}

/** Adds `count` no-op jobs to a Warren queue in bulk calls of 1,000 (the backlog a drain starts from). */
export async function addNoopJobs(
  queue: { addBulk(jobs: Array<{ name: string; data: object }>): Promise<unknown> },
  count: number,
): Promise<void> {
  for (let added = 0; added < count; added += 1000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1000, count - added) }, () => ({ name: "noop", data: {} })),
    );
  }
}
