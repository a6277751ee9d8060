// The Worker handle: owns run/pause/resume/close and composes the fetch loop, lock keeper and try runner.
import type { Backend } from "../backend/contract.js";
import type {
  FinishStatus,
  JobRecord,
  LockRef,
  Outcome,
  QueueEventRecord,
  Unsubscribe,
} from "../backend/records.js";
import { randomToken } from "../core/ids.js";
import { sleepFor } from "../core/clock.js";
import { assertQueuePattern } from "../core/topic-pattern.js";
import { TypedEmitter } from "../core/typed-emitter.js";
import type { Logger } from "../logging/logger.js";
import { ClosedError, isClosedError, ValidationError } from "../errors/warren-error.js";
import { Job } from "../job/job.js";
import { JobCancelledError, LockLostAbort } from "./abort-reasons.js";
import { FetchLoop } from "./fetch-loop.js";
import { FinishBatcher } from "./finish-batcher.js";
import { LockKeeper } from "./lock-keeper.js";
import { WorkerRegistration } from "./worker-registration.js";
import { judgeHealth, type WorkerHealth } from "./worker-health.js";
import { MaintenanceTimer } from "./maintenance-timer.js";
import { AttemptAbort } from "./attempt-abort.js";
import { runAttempt, toError, type AttemptResult, type Processor } from "./run-attempt.js";
import { loadOtelApi, settledOtelApi, traceProcess, tracingWanted } from "../tracing/index.js";
import { advanceSchedule } from "../schedules/schedule-runner.js";
import type { WorkerEventMap } from "./worker-events.js";
import { resolveWorkerOptions, type ResolvedWorkerOptions, type WorkerOptions } from "./worker-options.js";

interface Running {
  lock: LockRef;
  abort: AttemptAbort;
  job: Job<unknown, unknown>;
  /** Settles once the try is recorded and its slot freed (set as the try starts). */
  done?: Promise<void>;
}

/** The queue events a worker acts on (see onQueueEvent): a backend need not tell it about anything else. */
const WORKER_EVENTS = ["drained", "cancel-requested", "stalled"] as const;

const FINISH_RETRY_LIMIT = 5;
const FINISH_RETRY_BASE_MS = 200;

/**
 * Runs jobs from a queue (or a topic pattern of queues) with a processor function.
 * @example
 * const worker = new Worker("email", async (job, { signal }) => send(job.data, { signal }), { backend, concurrency: 10 });
 */
export class Worker<Data = unknown, Result = unknown> extends TypedEmitter<WorkerEventMap<Data, Result>> {
  readonly name: string;
  readonly id: string;
  private readonly options: ResolvedWorkerOptions;
  private readonly backend: Backend;
  private readonly log: Logger;
  private readonly running = new Map<string, Running>();
  /** Processors running now. */
  private executing = 0;
  private readonly locks: LockKeeper;
  private readonly finisher: FinishBatcher;
  private readonly loop: FetchLoop;
  private readonly maintenance: MaintenanceTimer;
  private readonly registration: WorkerRegistration;
  private subscription: Promise<Unsubscribe | undefined> | undefined;
  private runPromise: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  /** The backend was found closed: reported once, then the worker closes itself. */
  private backendClosed = false;

  constructor(
    queue: string,
    private readonly processor: Processor<Data, Result>,
    options: WorkerOptions,
  ) {
    super();
    assertQueuePattern(queue);
    if (typeof processor !== "function") {
      throw new ValidationError(
        "INVALID_OPTION",
        "a Worker needs a processor function (job, { signal }) => result",
      );
    }
    this.options = resolveWorkerOptions(options);
    this.backend = this.options.backend;
    this.name = queue;
    this.id = `${this.options.name}-${process.pid}-${randomToken(6)}`;
    // Records name their queue themselves (a pattern worker serves many), so only the worker is bound here.
    this.log = this.options.logger.child({ workerId: this.id });
    this.logUnhandledErrorsTo(this.log.child({ queue }));
    this.locks = new LockKeeper(
      this.backend,
      this.options.lockDuration,
      (lock) => this.abortJob(lock, new LockLostAbort(`job ${lock.id}: this worker lost its lock`)),
      (error) => this.emitError(error),
    );
    this.finisher = new FinishBatcher(this.backend);
    this.loop = new FetchLoop({
      backend: this.backend,
      queues: [queue],
      workerId: this.id,
      options: this.options,
      runningCount: () => this.slotsTaken(),
      onJobs: (records) => records.forEach((record) => this.start(record)),
      onError: (error) => this.emitError(error),
      onBackendClosed: (error) => this.emitError(error),
    });
    this.registration = new WorkerRegistration(
      this.backend,
      {
        id: this.id,
        name: this.options.name,
        queues: [queue],
        concurrency: this.options.concurrency,
        active: () => this.running.size,
        lastFetchAt: () => this.loop.lastFetchAt,
      },
      this.options.maintenanceInterval,
      (error) => this.emitError(error),
    );
    this.maintenance = new MaintenanceTimer(
      this.backend,
      queue,
      this.options.maintenanceInterval,
      (error) => this.emitError(error),
      this.log,
    );
    // Started now so that the first job rarely waits for it.
    void loadOtelApi();
    if (this.options.autorun) void this.run();
  }

  /** Starts fetching and running jobs. Resolves when the worker has closed. */
  run(): Promise<void> {
    if (this.closing) return this.closing;
    if (this.runPromise === undefined) this.loop.starting();
    this.runPromise ??= this.startRunning();
    return this.runPromise;
  }

  private async startRunning(): Promise<void> {
    this.subscription = this.backend
      .subscribe(this.name, (event) => this.onQueueEvent(event), { events: WORKER_EVENTS })
      .catch((error: unknown) => {
        this.emitError(error);
        return undefined;
      });
    await this.subscription;
    // close() may have begun meanwhile (a closed backend closes the worker): start nothing it would miss.
    if (this.closing) return;
    await this.registration.start();
    if (this.closing) return;
    this.maintenance.start();
    await this.loop.run();
  }

  /** Stops starting new jobs; running jobs finish. */
  pause(): void {
    this.loop.pause();
  }

  /** Starts taking jobs again after `pause`. */
  resume(): void {
    this.loop.resume();
  }

  /** Whether the fetch loop is taking jobs. */
  isRunning(): boolean {
    return this.runPromise !== undefined && !this.closing && !this.loop.isPaused();
  }

  /**
   * For liveness probes: `ok` turns false when the worker should be fetching and no fetch has completed for
   * 2 × blockMs + 10 s (its loop died, or its store or broker stopped answering), or when it is closed.
   * @example if (!worker.health().ok) process.exit(1);
   */
  health(): WorkerHealth {
    return judgeHealth({
      started: this.runPromise !== undefined,
      closing: this.closing !== undefined,
      paused: this.loop.isPaused(),
      loopEnded: this.loop.ended,
      active: this.running.size,
      lastFetchAt: this.loop.lastFetchAt,
      wantingSince: this.loop.wantingSince,
      lastError: this.loop.lastError,
      blockMs: this.options.blockMs,
    });
  }

  /** When this worker last completed a fetch (ms since epoch), for liveness probes. */
  get lastFetchAt(): number | undefined {
    return this.loop.lastFetchAt;
  }

  /** Number of jobs running now. */
  get activeCount(): number {
    return this.running.size;
  }

  /**
   * Stops fetching and waits for running jobs to finish and be recorded. With `force`, aborts their signals and
   * returns at once; those jobs stay active under their lease and are recovered as stalled when it expires.
   * Idempotent.
   */
  close(options: { force?: boolean } = {}): Promise<void> {
    this.closing ??= this.shutdown(options.force ?? false);
    return this.closing;
  }

  private async shutdown(force: boolean): Promise<void> {
    // Forced: abort before the first await, so no try that ends while the loop stops gets recorded after the
    // caller asked for it to be abandoned; and again once the loop has stopped, for a fetch that was in flight.
    if (force) this.abortRunning();
    await this.loop.stop();
    if (force) this.abortRunning();
    await this.backend.releaseWorker(this.id).catch((error: unknown) => this.emitError(error));
    await this.maintenance.stop();
    await this.registration.stop();
    await Promise.all([...this.running.values()].flatMap((entry) => entry.done ?? []));
    await this.finisher.idle();
    await this.locks.close();
    const unsubscribe = await this.subscription;
    await unsubscribe?.();
    await this.runPromise;
    this.emit("closed");
    this.removeAllListeners();
  }

  private abortRunning(): void {
    for (const entry of this.running.values()) {
      entry.abort.abort(new LockLostAbort(`worker ${this.id} was closed with force`));
    }
  }

  /**
   * Slots in use, as the fetch loop sees them. At concurrency 1 a job holds its slot until its outcome is
   * recorded, so jobs run strictly one after another. Above 1 a slot frees when the processor returns and the
   * next fetch overlaps the previous batch's finish; jobs still being recorded are capped at `concurrency`
   * more, and processors running at once never exceed `concurrency`.
   */
  private slotsTaken(): number {
    const { concurrency } = this.options;
    if (concurrency === 1) return this.running.size;
    return Math.max(this.executing, this.running.size - concurrency);
  }

  private start(record: JobRecord): void {
    const lock: LockRef = { queue: record.queue, id: record.id, token: record.lockToken ?? "" };
    const abort = new AttemptAbort();
    const job: Job<Data, Result> = new Job<Data, Result>(record, {
      backend: this.backend,
      lockToken: record.lockToken,
      // Emitted as the processor reports it: the same event read back from the stream could arrive after the
      // try ended, when the job is no longer this worker's.
      onProgress: (progress) => this.emit("progress", job, progress),
    });
    const key = runningKey(record.queue, record.id);
    this.locks.add(lock);
    const entry: Running = { lock, abort, job };
    this.running.set(key, entry);
    entry.done = this.process(record, job, abort, lock, key);
  }

  /**
   * One try, from `active` to its recorded outcome, then frees its slot. One async function with as few awaits
   * as it can: a tracing context manager's hooks pay for every promise a try makes.
   */
  private async process(
    record: JobRecord,
    job: Job<Data, Result>,
    abort: AttemptAbort,
    lock: LockRef,
    key: string,
  ): Promise<void> {
    try {
      this.emit("active", job);
      this.executing += 1;
      let attempt: AttemptResult;
      try {
        // A schedule's slot job moves its schedule on before it runs, so the next slot's job exists before this
        // one can finish (and, with removeOnComplete, vanish): the repair pass never sees a slot job missing early.
        if (record.opts.schedule !== undefined) {
          await advanceSchedule(this.backend, record, this.backend.clock.now()).catch((error: unknown) =>
            this.emitError(error),
          );
        }
        const tried = this.tryOnce(record, job, abort);
        attempt = tried instanceof Promise ? await tried : tried;
      } finally {
        this.executing -= 1;
        if (this.options.concurrency > 1) this.loop.slotFreed();
      }
      if (attempt.kind === "abandoned") return;
      let status: FinishStatus | "error";
      try {
        status = await this.finisher.submit(attempt.outcome);
      } catch (error) {
        status = await this.recordAfterError(attempt.outcome, error);
      }
      if (status === "ok") this.announce(job, attempt);
    } finally {
      this.running.delete(key);
      this.locks.remove(lock);
      this.loop.slotFreed();
    }
  }

  /** Runs the processor once, inside a `process` span when tracing is installed. */
  private tryOnce(
    record: JobRecord,
    job: Job<Data, Result>,
    abort: AttemptAbort,
  ): AttemptResult | Promise<AttemptResult> {
    const otel = settledOtelApi();
    // null (not installed) is settled too: only the first jobs of a process wait for the import.
    if (otel === undefined) return loadOtelApi().then(() => this.tryOnce(record, job, abort));
    const options = {
      record,
      job,
      processor: this.processor,
      abort,
      strategies: this.options.backoffStrategies,
      clock: this.backend.clock,
    };
    // A job with no trace context, and no SDK to record a span: the API's no-op span would only be garbage.
    if (otel === null || !tracingWanted(otel, record.trace !== undefined)) return runAttempt(options);
    return traceProcess(otel, this.backend.messagingSystem, record, () => runAttempt(options), failureOf);
  }

  /** Emits the event for a try whose outcome was recorded. */
  private announce(job: Job<Data, Result>, attempt: Exclude<AttemptResult, { kind: "abandoned" }>): void {
    switch (attempt.kind) {
      case "completed":
        job.state = "completed";
        job.returnValue = attempt.result as Result;
        this.emit("completed", job, attempt.result as Result);
        break;
      case "failed":
        job.state = attempt.final ? "failed" : "delayed";
        job.failedReason = attempt.error.message;
        this.emit("failed", job, attempt.error);
        break;
      case "cancelled":
        job.state = "cancelled";
        this.emit("cancelled", job, attempt.error.message);
        break;
    }
  }

  /**
   * Records an outcome whose first submit failed, retrying while the backend is unreachable (the lease stays
   * renewed meanwhile).
   */
  private async recordAfterError(outcome: Outcome, first: unknown): Promise<FinishStatus | "error"> {
    let error = first;
    for (let attempt = 0; ; attempt++) {
      this.emitError(error);
      // A closed backend never comes back: the job stays active under its lease and is recovered as stalled.
      if (isClosedError(error) || attempt >= FINISH_RETRY_LIMIT) return "error";
      await sleepFor(FINISH_RETRY_BASE_MS * 2 ** attempt);
      try {
        return await this.finisher.submit(outcome);
      } catch (retryError) {
        error = retryError;
      }
    }
  }

  private onQueueEvent(event: QueueEventRecord): void {
    if (event.event === "drained") {
      this.emit("drained");
      return;
    }
    if (event.jobId === undefined) return;
    // Most events (added, active, completed, progress, …) are not for the worker: look up the job only for those
    // that are.
    switch (event.event) {
      case "cancel-requested":
        this.running
          .get(runningKey(event.queue, event.jobId))
          ?.abort.abort(new JobCancelledError(event.failedReason ?? "cancelled by request"));
        break;
      case "stalled":
        this.emit("stalled", event.jobId, event.queue);
        break;

      default:
        break;
    }
  }

  private abortJob(lock: LockRef, reason: Error): void {
    const entry = this.running.get(runningKey(lock.queue, lock.id));
    if (entry && entry.lock.token === lock.token) entry.abort.abort(reason);
  }

  /**
   * Reports an error. A ClosedError means the backend was closed under this worker (the wrong close order, or
   * a Worker created on a closed backend): it is reported once, and the worker closes itself so that no loop
   * keeps running against a backend that will never answer again.
   */
  private emitError(error: unknown): void {
    if (isClosedError(error)) {
      if (this.backendClosed) return;
      this.backendClosed = true;
      this.emit(
        "error",
        new ClosedError(
          `worker ${this.id}: its backend was closed, so the worker closed itself; close workers before their backend`,
        ),
      );
      void this.close({ force: true });
      return;
    }
    this.emit("error", toError(error));
  }
}

/** What a try's span reports: the error of any try that did not complete. */
function failureOf(attempt: AttemptResult): Error | undefined {
  return attempt.kind === "completed" ? undefined : attempt.error;
}

function runningKey(queue: string, id: string): string {
  return `${queue}\u0000${id}`;
}
