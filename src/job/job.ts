// The Job handle: a typed view of one stored job plus the calls that act on it.
import type { Backend } from "../backend/contract.js";
import type { JobRecord, StoredJobOptions } from "../backend/records.js";
import { parseJson, serializeData, DEFAULT_MAX_PAYLOAD_BYTES } from "../core/serializer.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors/warren-error.js";
import type { JobState } from "../model/job-state.js";
import { waitUntilFinished } from "./wait-until-finished.js";

/** Progress a processor reports: a percentage or any JSON object. */
export type JobProgress = number | Record<string, unknown>;

/** Where a Job handle came from; one context is shared by every handle a queue or worker makes. */
export interface JobHandleContext {
  backend: Backend;
  /** Told of each progress a handle stored: the worker's `progress` event, without waiting for the event stream. */
  onProgress?: ((job: Job<unknown, unknown>, progress: JobProgress) => void) | undefined;
}

const MAX_LOG_LINE_BYTES = 64 * 1024;

/**
 * A job: its data, options and state as last read, plus methods to act on it.
 * @example const job = await queue.add("welcome", { to: "a@b.c" }); await job.waitUntilFinished();
 */
export class Job<Data = unknown, Result = unknown> {
  readonly id: string;
  readonly name: string;
  readonly queueName: string;
  readonly data: Data;
  readonly opts: Readonly<StoredJobOptions>;
  readonly createdAt: number;
  state!: JobState;
  attemptsMade!: number;
  stalledCount!: number;
  progress: JobProgress | undefined;
  returnValue: Result | undefined;
  failedReason: string | undefined;
  stacktrace!: string[];
  /** When the job may run (ms since epoch). */
  runAt!: number;
  processedAt: number | undefined;
  finishedAt: number | undefined;
  workerId: string | undefined;
  private readonly context: JobHandleContext;
  /** The lock token of the worker's try this handle was made for; progress is refused once it is lost. */
  private readonly tryLockToken: string | undefined;

  /**
   * @internal Built by Queue and Worker from stored records; a worker's handle carries its try's lock token.
   */
  constructor(record: JobRecord, context: JobHandleContext, lockToken?: string) {
    this.id = record.id;
    this.name = record.name;
    this.queueName = record.queue;
    this.data = JSON.parse(record.data) as Data;
    this.opts = record.opts;
    this.createdAt = record.createdAt;
    this.context = context;
    this.tryLockToken = lockToken;
    this.assign(record);
  }

  private assign(record: JobRecord): void {
    this.state = record.state;
    this.attemptsMade = record.attemptsMade;
    this.stalledCount = record.stalledCount;
    this.progress = parseJson(record.progress) as JobProgress | undefined;
    this.returnValue = parseJson(record.returnValue) as Result | undefined;
    this.failedReason = record.failedReason;
    this.stacktrace = record.stacktrace;
    this.runAt = record.runAt;
    this.processedAt = record.processedAt;
    this.finishedAt = record.finishedAt;
    this.workerId = record.workerId;
  }

  /** Stores and emits progress. Inside a processor it is refused once the worker lost the job's lock. */
  async updateProgress(progress: JobProgress): Promise<void> {
    const valid =
      (typeof progress === "number" && Number.isFinite(progress)) ||
      (typeof progress === "object" && progress !== null && !Array.isArray(progress));
    if (!valid) {
      throw new ValidationError(
        "INVALID_DATA",
        `progress must be a finite number or a plain object (got ${String(progress)})`,
      );
    }
    const text = serializeData(progress, DEFAULT_MAX_PAYLOAD_BYTES, "progress");
    const status = await this.context.backend.updateProgress(
      this.queueName,
      this.id,
      this.tryLockToken,
      text,
    );
    if (status === "lock-lost") {
      throw new ConflictError(
        "LOCK_LOST",
        `job ${this.id} is no longer held by this worker (its lock expired or it was cancelled); stop working on it`,
      );
    }
    this.progress = progress;
    this.context.onProgress?.(this, progress);
  }

  /** Appends a line to the job's log. Returns the number of lines. */
  async log(line: string): Promise<number> {
    if (typeof line !== "string") {
      throw new ValidationError("INVALID_DATA", `a log line must be a string (got ${typeof line})`);
    }
    const bounded = Buffer.byteLength(line) > MAX_LOG_LINE_BYTES ? line.slice(0, MAX_LOG_LINE_BYTES) : line;
    return this.context.backend.addLog(this.queueName, this.id, bounded);
  }

  /** Reads the job's log lines. */
  getLogs(options: { offset?: number; limit?: number } = {}): Promise<{ logs: string[]; count: number }> {
    return this.context.backend.getLogs(this.queueName, this.id, options.offset ?? 0, options.limit ?? 1000);
  }

  /** Reads the job's current state from the backend. */
  async getState(): Promise<JobState> {
    await this.refresh();
    return this.state;
  }

  /** Re-reads the job and updates this handle's fields. */
  async refresh(): Promise<this> {
    const record = await this.context.backend.getJob(this.queueName, this.id);
    if (!record) throw new NotFoundError(`job ${this.id} no longer exists in queue "${this.queueName}"`);
    this.assign(record);
    return this;
  }

  /** Resolves with the result once the job completes; rejects with JobFailedError if it fails for good. */
  async waitUntilFinished(options: { timeout?: number } = {}): Promise<Result> {
    return (await waitUntilFinished(
      this.context.backend,
      this.queueName,
      this.id,
      options.timeout,
    )) as Result;
  }

  /** Removes the job (refused while it is active). */
  remove(): Promise<boolean> {
    return this.context.backend.removeJob(this.queueName, this.id);
  }

  /** Moves a failed, cancelled or expired job back to waiting with a fresh attempt budget. */
  async retry(): Promise<void> {
    this.assign(await this.context.backend.retryJob(this.queueName, this.id));
  }

  /** Cancels the job; a running job's processor sees its signal abort. */
  cancel(reason = "cancelled by request"): Promise<string> {
    return this.context.backend.cancelJob(this.queueName, this.id, reason);
  }

  /** Results of the jobs this one depended on (a flow parent: its children), keyed by `queue:id`. */
  async getChildrenValues(): Promise<Record<string, unknown>> {
    const values: Record<string, unknown> = {};
    for (const [ref, record] of await this.dependencies()) {
      if (record?.state === "completed") values[ref] = parseJson(record.returnValue);
    }
    return values;
  }

  /**
   * Why dependencies that ended without completing did so, keyed by `queue:id`: the children whose failure
   * this job ran past (`ignoreDependencyOnFailure`).
   */
  async getChildrenFailures(): Promise<Record<string, string>> {
    const failures: Record<string, string> = {};
    for (const [ref, record] of await this.dependencies()) {
      if (
        record &&
        (record.state === "failed" || record.state === "cancelled" || record.state === "expired")
      ) {
        failures[ref] = record.failedReason ?? record.state;
      }
    }
    return failures;
  }

  private dependencies(): Promise<Array<[string, JobRecord | undefined]>> {
    return Promise.all(
      this.opts.dependsOn.map(async (ref): Promise<[string, JobRecord | undefined]> => {
        const colon = ref.indexOf(":");
        return [ref, await this.context.backend.getJob(ref.slice(0, colon), ref.slice(colon + 1))];
      }),
    );
  }

  /** A plain JSON view for logs and the CLI. */
  toJSON(): Record<string, unknown> {
    return {
      id: this.id,
      name: this.name,
      queueName: this.queueName,
      state: this.state,
      data: this.data,
      opts: this.opts,
      attemptsMade: this.attemptsMade,
      progress: this.progress,
      returnValue: this.returnValue,
      failedReason: this.failedReason,
      createdAt: this.createdAt,
      runAt: this.runAt,
      processedAt: this.processedAt,
      finishedAt: this.finishedAt,
      workerId: this.workerId,
    };
  }
}
