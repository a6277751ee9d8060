// The Worker handle: owns run/pause/resume/close and composes the fetch loop, lock keeper and try runner.
import type { Backend } from "../backend/contract.js";
import type { FinishStatus, JobRecord, LockRef, QueueEventRecord, Unsubscribe } from "../backend/records.js";
import { randomToken } from "../core/ids.js";
import { sleepFor } from "../core/clock.js";
import { assertQueuePattern } from "../core/topic-pattern.js";
import { TypedEmitter } from "../core/typed-emitter.js";
import type { Logger } from "../logging/logger.js";
import { ClosedError, isClosedError, ValidationError } from "../errors/warren-error.js";
import { Job, type JobHandleContext } from "../job/job.js";
import { JobCancelledError, LockLostAbort } from "./abort-reasons.js";
import { FetchLoop } from "./fetch-loop.js";
import { FinishBatcher, rethrowLater } from "./finish-batcher.js";
import { LockKeeper } from "./lock-keeper.js";
import { RunningTries } from "./running-tries.js";
import { WorkerRegistration } from "./worker-registration.js";
import { judgeHealth, type WorkerHealth } from "./worker-health.js";
import { MaintenanceTimer } from "./maintenance-timer.js";
import { AttemptAbort } from "./attempt-abort.js";
import {
  runAttempt,
  toError,
  type AttemptInput,
  type AttemptResult,
  type AttemptSettings,
  type Processor,
} from "./run-attempt.js";
import { loadOtelApi, settledOtelApi, traceProcess, tracingWanted } from "../tracing/index.js";
import { advanceSchedule } from "../schedules/schedule-runner.js";
import type { WorkerEventMap } from "./worker-events.js";
import { resolveWorkerOptions, type ResolvedWorkerOptions, type WorkerOptions } from "./worker-options.js";

/** One try this worker holds, from its claim until its outcome is recorded (or the try is abandoned). */
interface Running extends AttemptInput<unknown, unknown> {
  /** Its place in the worker's table of running tries. */
  slot: number;
  /** The try's result once the processor returned; its outcome is then being recorded. */
  attempt: RecordableAttempt | undefined;
}

type RecordableAttempt = Exclude<AttemptResult, { kind: "abandoned" }>;

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
  private readonly running = new RunningTries<Running>();
  /** Processors running now. */
  private executing = 0;
  private readonly locks: LockKeeper;
  private readonly finisher: FinishBatcher<Running>;
  private readonly attemptSettings: AttemptSettings<Data, Result>;
  /** Shared by every Job handle this worker makes. */
  private readonly jobContext: JobHandleContext;
  /** Called once `running` empties while close() waits for it. */
  private allReleased: (() => void) | undefined;
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
      () => this.running.all().map((entry) => entry.lock),
      (lock) => this.abortJob(lock, new LockLostAbort(`job ${lock.id}: this worker lost its lock`)),
      (error) => this.emitError(error),
    );
    this.finisher = new FinishBatcher<Running>(this.backend, {
      outcomeOf: (entry) => entry.attempt!.outcome,
      recorded: (entry, status) => this.recorded(entry, status),
      failed: (entry, error) => void this.recordAfterError(entry, error),
    });
    this.attemptSettings = {
      processor,
      strategies: this.options.backoffStrategies,
      clock: this.backend.clock,
    };
    this.jobContext = {
      backend: this.backend,
      // Emitted as the processor reports it: the same event read back from the stream could arrive after the
      // try ended, when the job is no longer this worker's.
      onProgress: (job, progress) => this.emit("progress", job as Job<Data, Result>, progress),
    };
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
    if (this.running.size > 0) await new Promise<void>((resolve) => (this.allReleased = resolve));
    await this.finisher.idle();
    await this.locks.close();
    const unsubscribe = await this.subscription;
    await unsubscribe?.();
    await this.runPromise;
    this.emit("closed");
    this.removeAllListeners();
  }

  private abortRunning(): void {
    for (const entry of this.running.all()) {
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

  /**
   * Starts one try. A try is a chain of callbacks, not an async function: a suspended async frame and its
   * promises per job were the largest part of what a worker allocated, and a tracing context manager's hooks pay
   * for every promise a try makes.
   */
  private start(record: JobRecord): void {
    const lock: LockRef = { queue: record.queue, id: record.id, token: record.lockToken ?? "" };
    const entry: Running = {
      record,
      lock,
      abort: new AttemptAbort(),
      job: new Job<Data, Result>(record, this.jobContext, record.lockToken),
      attempt: undefined,
      slot: -1,
    };
    this.locks.holding();
    this.running.add(entry);
    this.executing += 1;
    try {
      this.emit("active", entry.job as Job<Data, Result>);
      // A schedule's slot job moves its schedule on before it runs, so the next slot's job exists before this
      // one can finish (and, with removeOnComplete, vanish): the repair pass never sees a slot job missing early.
      if (record.opts.schedule !== undefined) {
        advanceSchedule(this.backend, record, this.backend.clock.now())
          .catch((error: unknown) => this.emitError(error))
          .then(() => this.runTry(entry))
          .catch(rethrowLater);
        return;
      }
    } catch (error) {
      // A throwing "active" listener: the try still runs, and the error surfaces as the listener's own.
      rethrowLater(error);
    }
    this.runTry(entry);
  }

  /** Runs the processor once, inside a `process` span when tracing is installed. */
  private runTry(entry: Running): void {
    const otel = settledOtelApi();
    // null (not installed) is settled too: only the first jobs of a process wait for the import.
    if (otel === undefined) {
      loadOtelApi().then(() => this.runTry(entry), rethrowLater);
      return;
    }
    const { record } = entry;
    const settings = this.attemptSettings as AttemptSettings<unknown, unknown>;
    let tried: AttemptResult | Promise<AttemptResult>;
    try {
      // A job with no trace context, and no SDK to record a span: the API's no-op span would only be garbage.
      tried =
        otel === null || !tracingWanted(otel, record.trace !== undefined)
          ? runAttempt(entry, settings)
          : traceProcess(
              otel,
              this.backend.messagingSystem,
              record,
              () => runAttempt(entry, settings),
              failureOf,
            );
    } catch (error) {
      // runAttempt never throws; a tracing SDK might. The slot must not leak: the job is left to its lease.
      this.executing -= 1;
      this.release(entry);
      rethrowLater(error);
      return;
    }
    if (tried instanceof Promise) tried.then((attempt) => this.tried(entry, attempt), rethrowLater);
    else this.tried(entry, tried);
  }

  /** The processor returned: its slot frees, and the outcome goes to the next finish batch. */
  private tried(entry: Running, attempt: AttemptResult): void {
    this.executing -= 1;
    if (this.options.concurrency > 1) this.loop.slotFreed();
    if (attempt.kind === "abandoned") {
      this.release(entry);
      return;
    }
    entry.attempt = attempt;
    this.finisher.submit(entry);
  }

  /** The try's outcome was recorded (or refused: the lock was lost meanwhile). */
  private recorded(entry: Running, status: FinishStatus): void {
    try {
      if (status === "ok") this.announce(entry.job as Job<Data, Result>, entry.attempt!);
    } finally {
      this.release(entry);
    }
  }

  /** The try is over for this worker: its slot, lock and entry go. */
  private release(entry: Running): void {
    this.running.remove(entry);
    this.loop.slotFreed();
    if (this.running.size > 0) return;
    this.locks.idle();
    this.allReleased?.();
  }

  /** Emits the event for a try whose outcome was recorded. */
  private announce(job: Job<Data, Result>, attempt: RecordableAttempt): void {
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
   * Records an outcome whose batch failed, retrying alone while the backend is unreachable (the lease stays
   * renewed meanwhile). A closed backend never comes back: the job stays active under its lease and is recovered
   * as stalled.
   */
  private async recordAfterError(entry: Running, first: unknown): Promise<void> {
    let error = first;
    let status: FinishStatus | undefined;
    try {
      for (let attempt = 0; status === undefined; attempt++) {
        this.emitError(error);
        if (isClosedError(error) || attempt >= FINISH_RETRY_LIMIT) return;
        await sleepFor(FINISH_RETRY_BASE_MS * 2 ** attempt);
        try {
          status = (await this.backend.finish([entry.attempt!.outcome]))[0] ?? "lock-lost";
        } catch (retryError) {
          error = retryError;
        }
      }
    } finally {
      if (status === undefined) this.release(entry);
    }
    this.recorded(entry, status);
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
        for (const entry of this.running.ofJob(event.queue, event.jobId)) {
          entry.abort.abort(new JobCancelledError(event.failedReason ?? "cancelled by request"));
        }
        break;
      case "stalled":
        this.emit("stalled", event.jobId, event.queue);
        break;

      default:
        break;
    }
  }

  private abortJob(lock: LockRef, reason: Error): void {
    for (const entry of this.running.ofJob(lock.queue, lock.id)) {
      if (entry.lock.token === lock.token) entry.abort.abort(reason);
    }
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
