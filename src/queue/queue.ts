// The Queue handle: validates and serialises jobs, then makes one backend call per operation.
import type { Backend, CancelResult } from "../backend/contract.js";
import type { JobRecord, NewJobRecord, ScheduleRecord } from "../backend/records.js";
import { assertQueueName } from "../core/topic-pattern.js";
import { ClosedError, NotFoundError, ValidationError } from "../errors/warren-error.js";
import { Job } from "../job/job.js";
import { isJobState, JOB_STATES, type JobState } from "../model/job-state.js";
import { waitUntilFinished } from "../job/wait-until-finished.js";
import type { JobOptions } from "../model/job-options.js";
import { AddBatcher } from "./add-batcher.js";
import * as deadLetters from "./dead-letters.js";
import { buildJobRecord } from "../model/build-record.js";
import { assertNoDependencyCycle } from "../model/dependency-cycles.js";
import {
  buildSchedule,
  checkScheduleKey,
  type SchedulePattern,
  type ScheduleOptions,
} from "../schedules/schedule-options.js";
import { toScheduleInfo, type ScheduleInfo } from "../schedules/schedule-info.js";
import { SlotCalculator } from "../schedules/schedule-timing.js";
import { resolveSearchQuery, type SearchOptions } from "./search-options.js";
import { resolveQueueOptions, type QueueOptions, type ResolvedQueueOptions } from "./queue-options.js";
import {
  loadOtelApi,
  readyOtelApi,
  traceBatchSend,
  traceSend,
  withOtelInCallOrder,
} from "../tracing/index.js";

/** One job of an `addBulk` call. */
export interface BulkJob<Data> {
  name: string;
  data: Data;
  opts?: JobOptions;
}

/** Options of `addAndWait`: job options plus how long to wait for the result. */
export type AddAndWaitOptions = JobOptions & {
  /**
   * Reject with TimeoutError when no result came within this many ms; the job itself is left to run. Not the
   * job's `timeout`, which limits each try of the processor. @defaultValue wait forever
   */
  waitTimeout?: number;
};

/** What `searchJobs` found: a page of matches and how the bounded scan went. */
export interface SearchJobsResult<Data = unknown, Result = unknown> {
  /** The page of matches, newest first. */
  jobs: Job<Data, Result>[];
  /** Matches among the jobs examined, not only this page. */
  total: number;
  /**
   * The scan stopped at `scanLimit` jobs while the queue had more: older jobs were not looked at, so `total` is
   * a floor. Narrow the states or the text, or raise `scanLimit`.
   */
  truncated: boolean;
}

const DEFAULT_PAGE_SIZE = 100;

/**
 * A named queue of jobs on a backend.
 * @example
 * const queue = new Queue<{ to: string }>("email", { backend });
 * await queue.add("welcome", { to: "ada@example.com" }, { attempts: 3 });
 */
export class Queue<Data = unknown, Result = unknown> {
  readonly name: string;
  private readonly options: ResolvedQueueOptions;
  private readonly adds: AddBatcher;
  private closed = false;

  constructor(name: string, options: QueueOptions) {
    assertQueueName(name);
    this.name = name;
    this.options = resolveQueueOptions(options);
    this.adds = new AddBatcher(() => this.backend, this.options.logger.child({ queue: name }));
    // Started now so that the first add rarely waits for it (see tracing/in-call-order.ts).
    void loadOtelApi();
  }

  private get backend(): Backend {
    if (this.closed) throw new ClosedError(`queue "${this.name}" is closed; create a new Queue`);
    return this.options.backend;
  }

  /** Adds one job. Resolves once it is stored; an existing id or held dedupe key returns the existing job. */
  async add(name: string, data: Data, opts?: JobOptions): Promise<Job<Data, Result>> {
    const backend = this.backend;
    const record = this.buildRecord(name, data, opts, backend.clock.now());
    assertNoDependencyCycle([record]);
    // Tracing off (the API is not installed): one check, nothing allocated.
    const stored =
      readyOtelApi() === null
        ? await this.adds.submit(record)
        : await withOtelInCallOrder((otel) =>
            otel === null
              ? this.adds.submit(record)
              : traceSend(otel, backend.messagingSystem, record, () => this.adds.submit(record)),
          );
    return this.handle(stored.record);
  }

  /** Adds many jobs atomically: every job is stored, or none (and the call throws). */
  async addBulk(jobs: ReadonlyArray<BulkJob<Data>>): Promise<Job<Data, Result>[]> {
    if (!isArray(jobs)) {
      throw new ValidationError("INVALID_OPTION", "addBulk takes an array of { name, data, opts? }");
    }
    if (jobs.length === 0) return [];
    const now = this.backend.clock.now();
    const records = jobs.map((job, index) => {
      try {
        return this.buildRecord(job.name, job.data, job.opts, now);
      } catch (error) {
        if (error instanceof ValidationError) {
          throw new ValidationError(error.code as never, `addBulk job #${index}: ${error.message}`, {
            details: { index, ...error.details },
          });
        }
        throw error;
      }
    });
    assertNoDependencyCycle(records);
    const backend = this.backend;
    const results = await withOtelInCallOrder((otel) =>
      otel === null
        ? backend.enqueue(records)
        : traceBatchSend(otel, backend.messagingSystem, records, () => backend.enqueue(records)),
    );
    return results.map((result) => this.handle(result.record));
  }

  /**
   * Adds a job and resolves with its result (request/reply); rejects with JobFailedError if it fails, and with
   * TimeoutError when `opts.waitTimeout` passes first.
   * @example const thumbnail = await images.addAndWait("resize", { id }, { waitTimeout: 10_000 });
   */
  async addAndWait(name: string, data: Data, opts: AddAndWaitOptions = {}): Promise<Result> {
    const { waitTimeout, ...jobOptions } = opts;
    const job = await this.add(name, data, jobOptions);
    return (await waitUntilFinished(this.backend, this.name, job.id, waitTimeout)) as Result;
  }

  /**
   * Creates or updates the recurring job `key`: every slot of `pattern` adds one job (id `repeat:<key>:<slot>`),
   * at most once per slot across every process. Calling it again with the same key updates the schedule; with
   * the same timing it keeps the next run, so every process may call it at boot. Slots fire while a worker
   * of the queue runs; slots missed while none ran fire once on recovery.
   * @example await queue.schedule("nightly", { cron: "0 3 * * *", tz: "Europe/Oslo" }, { name: "report" });
   */
  async schedule(
    key: string,
    pattern: SchedulePattern,
    options: ScheduleOptions<Data>,
  ): Promise<ScheduleInfo<Data>> {
    const record = buildSchedule({
      key,
      queue: this.name,
      pattern,
      options,
      defaults: this.options.defaultJobOptions,
      maxPayloadBytes: this.options.maxPayloadBytes,
      now: this.backend.clock.now(),
    });
    return toScheduleInfo<Data>(await this.backend.upsertSchedule(record));
  }

  /** This queue's schedules, ordered by key. */
  async getSchedules(): Promise<ScheduleInfo<Data>[]> {
    return (await this.backend.listSchedules(this.name)).map((record) => toScheduleInfo<Data>(record));
  }

  /** Deletes a schedule (jobs it already added stay). Resolves false when there was none. */
  removeSchedule(key: string): Promise<boolean> {
    return this.backend.removeSchedule(this.name, checkScheduleKey(key));
  }

  /** Stops a schedule from firing until resumed. Throws NotFoundError for an unknown key. */
  async pauseSchedule(key: string): Promise<ScheduleInfo<Data>> {
    const current = await this.findSchedule(key);
    return this.setSchedulePaused(key, true, current.nextRunAt);
  }

  /** Lets a paused schedule fire again, from its next slot after now (slots missed while paused are skipped). */
  async resumeSchedule(key: string): Promise<ScheduleInfo<Data>> {
    const current = await this.findSchedule(key);
    const now = this.backend.clock.now();
    const next =
      current.nextRunAt === undefined || current.nextRunAt > now
        ? current.nextRunAt
        : new SlotCalculator(current).after(now, current.nextRunAt);
    return this.setSchedulePaused(key, false, next);
  }

  private async findSchedule(key: string): Promise<ScheduleRecord> {
    checkScheduleKey(key);
    const found = (await this.backend.listSchedules(this.name)).find((record) => record.key === key);
    if (!found) throw new NotFoundError(`queue "${this.name}" has no schedule "${key}"; see getSchedules()`);
    return found;
  }

  private async setSchedulePaused(
    key: string,
    paused: boolean,
    nextRunAt: number | undefined,
  ): Promise<ScheduleInfo<Data>> {
    const record = await this.backend.setSchedulePaused(this.name, key, paused, nextRunAt);
    if (!record) throw new NotFoundError(`queue "${this.name}" has no schedule "${key}"; see getSchedules()`);
    return toScheduleInfo<Data>(record);
  }

  /** Stops workers from starting this queue's jobs (running ones finish). Takes effect at once. */
  pause(): Promise<void> {
    return this.backend.pause(this.name);
  }

  /** Lets workers start jobs again. */
  resume(): Promise<void> {
    return this.backend.resume(this.name);
  }

  isPaused(): Promise<boolean> {
    return this.backend.isPaused(this.name);
  }

  /** The job with this id, or undefined. */
  async getJob(id: string): Promise<Job<Data, Result> | undefined> {
    const record = await this.backend.getJob(this.name, id);
    return record ? this.handle(record) : undefined;
  }

  /** Jobs in the given states, paginated. */
  async getJobs(
    states: JobState | JobState[] = [...JOB_STATES],
    page: { offset?: number; limit?: number; order?: "asc" | "desc" } = {},
  ): Promise<Job<Data, Result>[]> {
    const list = checkStates(Array.isArray(states) ? states : [states]);
    const records = await this.backend.listJobs(this.name, {
      states: list,
      offset: checkCount(page.offset ?? 0, "offset"),
      limit: checkCount(page.limit ?? DEFAULT_PAGE_SIZE, "limit"),
      order: page.order ?? "asc",
    });
    return records.map((record) => this.handle(record));
  }

  /**
   * Jobs whose id, name, failed reason or data (as JSON) contains `text`, case-insensitively and literally (no
   * wildcards), newest first. Bounded: examines at most `scanLimit` of the newest jobs of the states asked, and
   * says `truncated` when it stopped there. See docs/concepts/job-lifecycle.md, "Searching jobs".
   * @example const { jobs, total } = await queue.searchJobs("ada@example.com", { states: ["failed"] });
   */
  async searchJobs(text: string, options: SearchOptions = {}): Promise<SearchJobsResult<Data, Result>> {
    const found = await this.backend.searchJobs(this.name, resolveSearchQuery(text, options));
    return {
      jobs: found.records.map((record) => this.handle(record)),
      total: found.total,
      truncated: found.truncated,
    };
  }

  /** Number of jobs per state (every state when none is named). */
  getJobCounts(...states: JobState[]): Promise<Record<JobState, number>> {
    return this.backend.countJobs(this.name, checkStates(states.length ? states : [...JOB_STATES]));
  }

  /** Cancels a job; a running job's processor sees its signal abort. */
  cancel(id: string, reason = "cancelled by request"): Promise<CancelResult> {
    return this.backend.cancelJob(this.name, id, reason);
  }

  /** Moves a failed, cancelled or expired job back to waiting with a fresh attempt budget. */
  async retry(id: string): Promise<Job<Data, Result>> {
    return this.handle(await this.backend.retryJob(this.name, id));
  }

  /** Runs a delayed job now. */
  async promote(id: string): Promise<Job<Data, Result>> {
    return this.handle(await this.backend.promoteJob(this.name, id));
  }

  /** Removes a job that is not active. Resolves false when there was none. */
  remove(id: string): Promise<boolean> {
    return this.backend.removeJob(this.name, id);
  }

  /** Removes up to `limit` jobs in `state` that finished (or were added) more than `olderThan` ms ago. */
  clean(state: JobState, options: { olderThan: number; limit?: number }): Promise<string[]> {
    const [checked] = checkStates([state]);
    const olderThan = checkCount(options.olderThan, "olderThan");
    const limit = checkCount(options.limit ?? Number.MAX_SAFE_INTEGER, "limit");
    return this.backend.clean(this.name, checked!, this.backend.clock.now() - olderThan, limit);
  }

  /** Removes waiting jobs (and delayed ones with `{ delayed: true }`). Returns how many. */
  drain(options: { delayed?: boolean } = {}): Promise<number> {
    return this.backend.drain(this.name, options.delayed ?? false);
  }

  /** Jobs that failed for good or expired (and, on RabbitMQ, broker-only dead letters), paginated. */
  getDeadLetters(page: { offset?: number; limit?: number } = {}): Promise<deadLetters.DeadLetter<Data>[]> {
    return deadLetters.getDeadLetters<Data>(this.backend, this.name, page);
  }

  /** Replays dead letters with a fresh attempt budget; a letter replayed concurrently elsewhere counts once. */
  replayDeadLetters(
    selection: deadLetters.ReplaySelection,
    options?: deadLetters.ReplayOptions,
  ): Promise<{ replayed: number }> {
    return deadLetters.replayDeadLetters(this.backend, this.name, selection, options);
  }

  /** Removes every dead letter of the queue; returns how many. */
  purgeDeadLetters(): Promise<number> {
    return this.backend.purgeDeadLetters(this.name);
  }

  /** Removes the queue and all its jobs. Refuses while jobs are active unless `force`. */
  obliterate(options: { force?: boolean } = {}): Promise<void> {
    return this.backend.obliterate(this.name, options.force ?? false);
  }

  /** Releases this handle (the backend stays open: it may be shared). Idempotent. */
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private handle(record: JobRecord): Job<Data, Result> {
    return new Job<Data, Result>(record, { backend: this.options.backend });
  }

  private buildRecord(name: string, data: Data, opts: JobOptions | undefined, now: number): NewJobRecord {
    return buildJobRecord(
      {
        queueName: this.name,
        defaults: this.options.defaultJobOptions,
        maxPayloadBytes: this.options.maxPayloadBytes,
        now,
      },
      name,
      data,
      opts,
    );
  }
}

function isArray<T>(value: unknown): value is ReadonlyArray<T> {
  return Array.isArray(value);
}

function checkStates(states: unknown[]): JobState[] {
  for (const state of states) {
    if (!isJobState(state)) {
      throw new ValidationError(
        "INVALID_OPTION",
        `unknown job state ${JSON.stringify(state)}; use one of ${JOB_STATES.join(", ")}`,
      );
    }
  }
  return states as JobState[];
}

function checkCount(value: number, key: string): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new ValidationError("INVALID_OPTION", `${key} must be an integer >= 0 (got ${String(value)})`);
  }
  return value;
}
