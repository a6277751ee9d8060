// A batch's dependsOn links must not loop: a job that waits on itself, directly or through others, would
// wait forever. Jobs outside the batch already exist and cannot depend on a new one, so only the batch
// itself can hold a cycle. Model layer: Queue and FlowProducer share it; it imports nothing above core/.
import type { NewJobRecord } from "./job-record.js";
import { ValidationError } from "../errors/warren-error.js";

/** Throws ValidationError naming the loop when the batch's dependencies form a cycle. */
export function assertNoDependencyCycle(records: ReadonlyArray<NewJobRecord>): void {
  // Every add passes here: a batch without dependencies (nearly all of them) cannot loop.
  if (!records.some((record) => record.opts.dependsOn.length > 0)) return;
  const edges = new Map<string, string[]>();
  for (const record of records) {
    const ref = `${record.queue}:${record.id}`;
    edges.set(ref, [...(edges.get(ref) ?? []), ...record.opts.dependsOn]);
  }
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (ref: string): void => {
    if (done.has(ref)) return;
    if (onPath.has(ref)) {
      const loop = [...path.slice(path.indexOf(ref)), ref].join(" → ");
      throw new ValidationError(
        "INVALID_OPTION",
        `dependsOn forms a cycle (${loop}); a job cannot wait on itself`,
        {
          details: { cycle: loop },
        },
      );
    }
    onPath.add(ref);
    path.push(ref);
    for (const next of edges.get(ref) ?? []) if (edges.has(next)) visit(next);
    path.pop();
    onPath.delete(ref);
    done.add(ref);
  };
  for (const ref of edges.keys()) visit(ref);
}
