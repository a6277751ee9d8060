// `npm run bench:alloc`: bytes allocated per processed job on the memory backend, by allocating function, from
// V8's sampling heap profiler. Allocation is what the memory backend's process rate is mostly made of (GC was a
// quarter of its CPU profile), and unlike a rate it hardly moves with the machine's load.
//   npm run bench:alloc -- [--jobs 100000] [--top 25]
import { Session } from "node:inspector/promises";
import { parseArgs } from "node:util";
import { MemoryBackend, Queue, Worker } from "../src/index.js";
import { addNoopJobs } from "./add-modes.js";

interface SampledNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SampledNode[];
}

const { values } = parseArgs({
  options: { jobs: { type: "string", default: "100000" }, top: { type: "string", default: "25" } },
});
const JOBS = Number(values.jobs);
const backend = new MemoryBackend();
const queue = new Queue("alloc", { backend, defaultJobOptions: { removeOnComplete: true } });
await addNoopJobs(queue, JOBS);
const session = new Session();
session.connect();
await session.post("HeapProfiler.enable");
// Every 256 bytes, objects a scavenge or a full GC collected included: the garbage is the point.
await session.post("HeapProfiler.startSampling", {
  samplingInterval: 256,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
let done = 0;
const worker = new Worker("alloc", () => undefined, { backend, concurrency: 100 });
await new Promise<void>((resolve) => worker.on("completed", () => ++done === JOBS && resolve()));
const { profile } = (await session.post("HeapProfiler.stopSampling")) as { profile: { head: SampledNode } };
await worker.close();
await backend.close();

const bySite = new Map<string, number>();
let total = 0;
const walk = (node: SampledNode): void => {
  const { functionName, url, lineNumber } = node.callFrame;
  const site = `${functionName || "(anonymous)"} ${url.split("/").slice(-2).join("/")}:${lineNumber + 1}`;
  total += node.selfSize;
  bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
  node.children.forEach(walk);
};
walk(profile.head);
console.log(
  `${JOBS} no-op jobs, concurrency 100: ${(total / JOBS).toFixed(0)} bytes allocated per job (sampled)`,
);
for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
  console.log(`${(bytes / JOBS).toFixed(0).padStart(7)} B/job  ${site}`);
}
