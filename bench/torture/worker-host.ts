// The workers of one worker process: one Worker per queue of the run, with the processor that plays each
// job's planned behaviour and writes the ledger. Used by worker-child.ts, and in-process for memory://.
import { UnrecoverableError, Worker, type Backend, type Job } from "../../src/index.js";
import type { LedgerWriter } from "./ledger.js";
import type { Behaviour, QueueRole } from "./plan-types.js";

/** What a job carries in its data: the behaviour its processor plays. */
export interface TortureJobData {
  behaviour: Behaviour;
}

/** Everything a worker process needs to know about the run. */
export interface WorkerHostConfig {
  /** Real queue names of the run's roles. */
  queues: Record<QueueRole, string>;
  /** Epoch ms at which this process starts taking `hold` jobs. */
  holdOpensAt: number;
  /** Names this incarnation in the ledger and the worker registry. */
  workerName: string;
  /** Jobs run at once, per queue. */
  concurrency: Record<QueueRole, number>;
}

/** The default user settings are kept (lockDuration, maintenanceInterval, blockMs, maxStalledCount). */
export class WorkerHost {
  private readonly workers: Array<Worker<TortureJobData, unknown>> = [];
  private holdTimer: NodeJS.Timeout | undefined;
  private dead = false;
  /** Errors the workers reported (expected while faults run); counted for the report. */
  errors = 0;

  constructor(
    private readonly backend: Backend,
    private readonly config: WorkerHostConfig,
    private readonly ledger: LedgerWriter,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {}

  start(): void {
    this.open("main");
    this.open("side");
    this.open("trim");
    const wait = Math.max(0, this.config.holdOpensAt - Date.now());
    this.holdTimer = setTimeout(() => this.open("hold"), wait);
  }

  /** Stops taking jobs and waits for running ones to be recorded. */
  async close(): Promise<void> {
    clearTimeout(this.holdTimer);
    await Promise.all(this.workers.map((worker) => worker.close()));
  }

  /**
   * The in-process stand-in for SIGKILL (memory:// has no other process to kill): from now on this host
   * records nothing, and its workers stop at once, leaving their jobs active under a lease that will expire.
   */
  async crash(): Promise<void> {
    this.dead = true;
    clearTimeout(this.holdTimer);
    await Promise.all(this.workers.map((worker) => worker.close({ force: true })));
  }

  private open(role: QueueRole): void {
    if (this.dead) return;
    const queue = this.config.queues[role];
    const worker = new Worker<TortureJobData, unknown>(queue, (job, { signal }) => this.play(job, signal), {
      backend: this.backend,
      concurrency: this.config.concurrency[role],
      name: this.config.workerName,
    });
    worker.on("completed", (job) => {
      if (this.dead) return;
      this.ledger.append({
        type: "completed",
        id: job.id,
        queue,
        at: Date.now(),
        attempt: job.attemptsMade,
        worker: this.config.workerName,
      });
    });
    worker.on("error", (error) => {
      this.errors += 1;
      this.onError(error);
    });
    this.workers.push(worker);
  }

  private async play(job: Job<TortureJobData, unknown>, signal: AbortSignal): Promise<unknown> {
    const worker = this.config.workerName;
    const common = { id: job.id, queue: job.queueName, attempt: job.attemptsMade, worker };
    if (this.dead) return new Promise(() => undefined);
    this.ledger.append({ type: "start", ...common, at: Date.now(), stalled: job.stalledCount });
    const behaviour = job.data.behaviour;
    await sleep(behaviour.runMs, signal);
    // A dead host's try never ends (a killed process reports nothing), and an aborted try (lost lease, forced
    // close) leaves no end either: the store never hears its outcome.
    if (this.dead) return new Promise(() => undefined);
    if (signal.aborted) throw new Error("try abandoned");
    const unrecoverable =
      behaviour.unrecoverableFrom !== undefined && job.attemptsMade >= behaviour.unrecoverableFrom;
    const fails = unrecoverable || job.attemptsMade <= behaviour.failThrough;
    this.ledger.append({ type: "end", ...common, at: Date.now(), ok: !fails, unrecoverable });
    if (unrecoverable)
      throw new UnrecoverableError(`planned unrecoverable failure on try ${job.attemptsMade}`);
    if (fails) throw new Error(`planned failure on try ${job.attemptsMade}`);
    return { worker, attempt: job.attemptsMade };
  }
}

/** Resolves after `ms`, or as soon as `signal` aborts (then the caller sees `signal.aborted`). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
