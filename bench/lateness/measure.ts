// Lateness: how long after a job is due it starts (started − due), with an idle worker in its own process and
// the producer in this one, for what the backend must wake up for by itself: delays, retries with backoff,
// schedule slots, and flow parents released by their last child. Each job is added while the worker is idle,
// and the next only once the last one has finished, so the figure is the wake-up path alone, not a backlog.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createBackend, FlowProducer, Queue, QueueEvents, type Backend, type Job } from "../../src/index.js";
import { systemUrl } from "../worker-process.js";

/** What lateness is measured for. */
export const LATENESS_KINDS = ["delay", "retry", "slot", "flow"] as const;
export type LatenessKind = (typeof LATENESS_KINDS)[number];

/** Samples (ms) per kind. */
export type LatenessSamples = Record<LatenessKind, number[]>;

/** A gap between jobs, so each one is added to an idle worker that is parked in its wait. */
const IDLE_GAP_MS = 30;
const SLOT_EVERY_MS = 200;
const WAIT_MS = 30_000;

/** Measures `perKind` samples of each kind on the named Warren system. */
export async function measureLateness(name: string, perKind: number): Promise<LatenessSamples> {
  const system = systemUrl(name);
  const queueName = `lateness-${randomBytes(3).toString("hex")}`;
  // The memory backend cannot be shared between processes: there the worker runs in this process.
  const inProcess = system.addHere;
  const backend = await createBackend(system.url);
  const worker = inProcess
    ? await startLocalWorker(backend, queueName)
    : startWorkerProcess(system.url, queueName);
  const queue = new Queue(queueName, { backend });
  const events = new QueueEvents(queueName, { backend });
  await events.waitUntilReady();
  try {
    await (await queue.add("warm-up", {})).waitUntilFinished({ timeout: WAIT_MS });
    return {
      delay: await delays(queue, perKind),
      retry: await retries(queue, perKind),
      slot: await slots(queue, perKind),
      flow: await flows(backend, queue, perKind),
    };
  } finally {
    await worker.stop();
    await events.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await backend.close();
    await system.dispose();
  }
}

/** Started − due of a finished job: its last try's start against the time that try was due. */
async function latenessOf(job: Job): Promise<number> {
  await job.refresh();
  return job.processedAt! - job.runAt;
}

async function delays(queue: Queue, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const job = await queue.add("delay", { i }, { delay: 50 + ((i * 37) % 200) });
    await job.waitUntilFinished({ timeout: WAIT_MS });
    samples.push(await latenessOf(job));
    await pause(IDLE_GAP_MS);
  }
  return samples;
}

async function retries(queue: Queue, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const backoff = { type: "fixed" as const, delay: 50 + ((i * 53) % 200) };
    const job = await queue.add("retry", { i }, { attempts: 2, backoff });
    await job.waitUntilFinished({ timeout: WAIT_MS });
    // After a retry with backoff the job's runAt is the time its second try was due.
    samples.push(await latenessOf(job));
    await pause(IDLE_GAP_MS);
  }
  return samples;
}

async function slots(queue: Queue, count: number): Promise<number[]> {
  await queue.schedule("lateness", { every: SLOT_EVERY_MS }, { name: "slot", limit: count });
  const deadline = Date.now() + count * SLOT_EVERY_MS + WAIT_MS;
  for (;;) {
    const done = await queue.getJobs("completed", { limit: count + 1_000 });
    const slotJobs = done.filter((job) => job.name === "slot");
    if (slotJobs.length >= count) return slotJobs.map((job) => job.processedAt! - job.runAt);
    if (Date.now() > deadline) throw new Error(`only ${slotJobs.length} of ${count} schedule slots ran`);
    await pause(50);
  }
}

async function flows(backend: Backend, queue: Queue, count: number): Promise<number[]> {
  const producer = new FlowProducer({ backend });
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const node = await producer.add({
      name: "flow-parent",
      queueName: queue.name,
      children: [
        { name: "flow-child", queueName: queue.name },
        { name: "flow-child", queueName: queue.name },
      ],
    });
    await node.job.waitUntilFinished({ timeout: WAIT_MS });
    await node.job.refresh();
    const children = await Promise.all(
      node.children!.map(async (child) => (await child.job.refresh(), child.job)),
    );
    const released = Math.max(...children.map((child) => child.finishedAt!));
    samples.push(node.job.processedAt! - released);
    await pause(IDLE_GAP_MS);
  }
  return samples;
}

interface RunningWorker {
  stop(): Promise<void>;
}

function startWorkerProcess(url: string, queue: string): RunningWorker {
  const child: ChildProcess = spawn(process.execPath, ["bench/lateness/worker.mjs", url, queue], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  return {
    stop: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

async function startLocalWorker(backend: Backend, queue: string): Promise<RunningWorker> {
  const { Worker } = await import("../../src/index.js");
  const worker = new Worker(
    queue,
    (job) => {
      if (job.name === "retry" && job.attemptsMade === 1) throw new Error("first try fails, by plan");
      return job.name;
    },
    { backend, concurrency: 10 },
  );
  worker.on("error", (error) => console.error(`[lateness] ${error.message}`));
  return { stop: () => worker.close() };
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
