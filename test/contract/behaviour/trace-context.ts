// The trace context a producer writes into a job record travels with the job: every backend stores it and
// returns it wherever the record comes back (enqueue, getJob, listJobs, the fetch that claims the job).
import { expect, it } from "vitest";
import type { Backend, JobRecord, NewJobRecord, TraceContext } from "../../../src/index.js";
import { buildJobRecord } from "../../../src/model/build-record.js";
import { waitFor } from "../../../src/testing/index.js";
import type { ContractContext } from "../contract-suite.js";

const FULL: TraceContext = {
  traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
  tracestate: "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7",
};
const PARENT_ONLY: TraceContext = { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00" };

function record(backend: Backend, queue: string, name: string, trace?: TraceContext): NewJobRecord {
  const context = { queueName: queue, defaults: {}, maxPayloadBytes: 1024, now: backend.clock.now() };
  const built = buildJobRecord(context, name, { name }, undefined);
  return trace === undefined ? built : { ...built, trace };
}

/** Claims jobs of `queue` until `count` are active for this test, polling with a deadline. */
async function claimAll(backend: Backend, queue: string, count: number): Promise<JobRecord[]> {
  const claimed: JobRecord[] = [];
  const controller = new AbortController();
  await waitFor(
    async () => {
      claimed.push(
        ...(await backend.fetch({
          queues: [queue],
          workerId: "trace-contract",
          max: count - claimed.length,
          lockMs: 30_000,
          maxStalledCount: 1,
          limiter: undefined,
          signal: controller.signal,
          blockMs: 1_000,
        })),
      );
      return claimed.length >= count;
    },
    { message: `${count} jobs to be claimed`, timeout: 15_000 },
  );
  await backend.releaseWorker("trace-contract");
  return claimed;
}

export function traceContextCases({ harness }: ContractContext): void {
  it("a job's trace context is stored and comes back from enqueue, getJob, listJobs and the claiming fetch", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend);
    const jobs = [
      record(backend, queue.name, "full", FULL),
      record(backend, queue.name, "parent-only", PARENT_ONLY),
      record(backend, queue.name, "untraced"),
    ];
    const traces = (records: Array<JobRecord | undefined>): Array<TraceContext | undefined> =>
      records.map((stored) => stored?.trace);

    expect(traces((await backend.enqueue(jobs)).map((result) => result.record))).toEqual([
      FULL,
      PARENT_ONLY,
      undefined,
    ]);
    expect(traces(await Promise.all(jobs.map((job) => backend.getJob(queue.name, job.id))))).toEqual([
      FULL,
      PARENT_ONLY,
      undefined,
    ]);
    const listed = await backend.listJobs(queue.name, {
      states: ["waiting"],
      offset: 0,
      limit: 10,
      order: "asc",
    });
    expect(new Map(listed.map((job) => [job.name, job.trace]))).toEqual(
      new Map([
        ["full", FULL],
        ["parent-only", PARENT_ONLY],
        ["untraced", undefined],
      ]),
    );

    const claimed = await claimAll(backend, queue.name, jobs.length);
    expect(new Map(claimed.map((job) => [job.name, job.trace]))).toEqual(
      new Map([
        ["full", FULL],
        ["parent-only", PARENT_ONLY],
        ["untraced", undefined],
      ]),
    );
    // Nothing stays active under this test's leases.
    await backend.finish(
      claimed.map((job) => ({
        kind: "completed" as const,
        lock: { queue: queue.name, id: job.id, token: job.lockToken ?? "" },
        returnValue: undefined,
        finishedAt: backend.clock.now(),
      })),
    );
  });
}
