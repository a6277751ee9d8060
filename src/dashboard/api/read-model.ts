// The JSON the API answers and the pages render from: one function per view, each a few batched reads.
import { JOB_STATES, isJobState, type JobState } from "../../model/job-state.js";
import type { JobRecord, QueueSnapshot, ScheduleRecord, WorkerInfo } from "../../backend/records.js";
import { NotFoundError, ValidationError } from "../../errors/warren-error.js";
import type { ScheduleInfo } from "../../schedules/schedule-info.js";
import { SlotCalculator } from "../../schedules/schedule-timing.js";
import type { DashboardServices } from "../services.js";
import type { MinuteFigures } from "../live-stats.js";
import type { AttemptTimes } from "../attempt-history.js";

/** One queue on the overview. */
export interface QueueOverview {
  queue: string;
  paused: boolean;
  counts: Record<JobState, number>;
  /** How long the longest-waiting ready job has waited, in ms; null when nothing waits. */
  oldestWaitingMs: number | null;
  /** Completed and failed per minute over the last hour, oldest first. */
  throughput: number[];
  failures: number[];
}

/** Every queue with its counts, pause flag and recent figures, in one batched backend read. */
export async function readQueues(services: DashboardServices, now: number): Promise<QueueOverview[]> {
  const names = await services.queues.names();
  const snapshots: QueueSnapshot[] = names.length ? await services.backend.snapshotQueues(names) : [];
  return snapshots.map((snapshot) => {
    const figures = services.stats.figures(now, snapshot.queue);
    return {
      queue: snapshot.queue,
      paused: snapshot.paused,
      counts: snapshot.counts,
      oldestWaitingMs: snapshot.oldestWaitingSince === undefined ? null : now - snapshot.oldestWaitingSince,
      throughput: figures.map((minute) => minute.completed + minute.failed),
      failures: figures.map((minute) => minute.failed),
    };
  });
}

/** A job as lists show it. */
export interface JobSummary {
  id: string;
  name: string;
  state: JobState;
  attemptsMade: number;
  createdAt: number;
  processedAt: number | undefined;
  finishedAt: number | undefined;
  failedReason: string | undefined;
}

/** What a job list answers: a page of jobs and how many match in all. */
export interface JobPage {
  jobs: JobSummary[];
  total: number;
  /** True when a search stopped scanning before the end of the queue. */
  truncated?: boolean;
}

/** How a job list is asked for (query string of the page and of the API). */
export interface JobQuery {
  state: JobState | undefined;
  search: string;
  offset: number;
  limit: number;
}

/** Most jobs one list page shows. */
export const MAX_PAGE_SIZE = 500;
/** Jobs per page unless asked otherwise. */
export const DEFAULT_PAGE_SIZE = 50;

/** Reads `state`, `search`, `offset` and `limit` from a query string, refusing bad values. */
export function parseJobQuery(query: (key: string) => string | undefined): JobQuery {
  const state = query("state") || undefined;
  if (state !== undefined && !isJobState(state)) {
    throw new ValidationError(
      "INVALID_OPTION",
      `unknown state ${JSON.stringify(state)}; use one of ${JOB_STATES.join(", ")}`,
    );
  }
  const count = (key: string, fallback: number, max: number): number => {
    const raw = query(key);
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new ValidationError("INVALID_OPTION", `${key} must be an integer 0–${max} (got ${raw})`);
    }
    return value;
  };
  return {
    state,
    search: (query("search") ?? "").trim(),
    offset: count("offset", 0, Number.MAX_SAFE_INTEGER),
    limit: count("limit", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
  };
}

/** A record (or Job) cut down to what a list shows. */
function summarise(record: JobSummary): JobSummary {
  return {
    id: record.id,
    name: record.name,
    state: record.state,
    attemptsMade: record.attemptsMade,
    createdAt: record.createdAt,
    processedAt: record.processedAt,
    finishedAt: record.finishedAt,
    failedReason: record.failedReason,
  };
}

/** A page of a queue's jobs, newest first; with `search`, the matches of the queue's bounded search. */
export async function readJobs(
  services: DashboardServices,
  queueName: string,
  query: JobQuery,
): Promise<JobPage> {
  const queue = services.queues.get(queueName);
  if (query.search) {
    const found = await queue.searchJobs(query.search, {
      ...(query.state ? { states: query.state } : {}),
      offset: query.offset,
      limit: query.limit,
    });
    return { jobs: found.jobs.map(summarise), total: found.total, truncated: found.truncated };
  }
  const states = query.state ? [query.state] : [...JOB_STATES];
  const [jobs, counts] = await Promise.all([
    queue.getJobs(states, { offset: query.offset, limit: query.limit, order: "desc" }),
    queue.getJobCounts(...states),
  ]);
  const total = states.reduce((sum, state) => sum + (counts[state] ?? 0), 0);
  return { jobs: jobs.map(summarise), total };
}

/** One job in full: record, logs, and its flow relations. */
export interface JobDetail {
  job: JobRecord;
  logs: string[];
  logCount: number;
  /** Tries that ended while this dashboard ran, oldest first (the record keeps only the latest try's times). */
  attempts: AttemptTimes[];
  parent: { queue: string; id: string; state: JobState | "missing" } | undefined;
  children: Array<{ queue: string; id: string; state: JobState | "missing" }>;
}

const MAX_LOG_LINES = 200;
const MAX_CHILDREN = 100;

/** Parses a `queue:id` dependency reference (the id may itself contain colons). */
function parseReference(reference: string): { queue: string; id: string } {
  const colon = reference.indexOf(":");
  return colon < 0
    ? { queue: "", id: reference }
    : { queue: reference.slice(0, colon), id: reference.slice(colon + 1) };
}

/** A job with its logs, parent and children; NotFoundError when it does not exist. */
export async function readJob(
  services: DashboardServices,
  queueName: string,
  id: string,
): Promise<JobDetail> {
  services.queues.get(queueName);
  const backend = services.backend;
  const job = await backend.getJob(queueName, id);
  if (!job) throw new NotFoundError(`queue "${queueName}" has no job "${id}"; it may have been removed`);
  const references = job.opts.dependsOn.slice(0, MAX_CHILDREN).map(parseReference);
  const [logs, parentRecord, childRecords] = await Promise.all([
    backend.getLogs(queueName, id, 0, MAX_LOG_LINES),
    job.parent ? backend.getJob(job.parent.queue, job.parent.id) : Promise.resolve(undefined),
    Promise.all(references.map((ref) => backend.getJob(ref.queue, ref.id))),
  ]);
  return {
    job,
    logs: logs.logs,
    logCount: logs.count,
    attempts: services.attempts.of(queueName, id),
    parent: job.parent ? { ...job.parent, state: parentRecord?.state ?? "missing" } : undefined,
    children: references.map((ref, index) => ({ ...ref, state: childRecords[index]?.state ?? "missing" })),
  };
}

/** A schedule with its next few runs. */
export interface ScheduleView {
  queue: string;
  key: string;
  pattern: string;
  tz: string | undefined;
  name: string;
  paused: boolean;
  count: number;
  limit: number | undefined;
  nextRuns: number[];
}

const NEXT_RUNS = 3;

function nextRuns(info: ScheduleInfo, record: ScheduleRecord | undefined): number[] {
  const first = info.nextRunAt?.getTime();
  if (first === undefined || !record) return [];
  const runs = [first];
  const calculator = new SlotCalculator(record);
  while (runs.length < NEXT_RUNS) {
    const previous = runs[runs.length - 1]!;
    const next = calculator.after(previous, previous);
    if (next === undefined || next <= previous) break;
    runs.push(next);
  }
  return runs;
}

/** Every queue's schedules. */
export async function readSchedules(services: DashboardServices): Promise<ScheduleView[]> {
  const names = await services.queues.names();
  const perQueue = await Promise.all(
    names.map(async (name) => {
      const [infos, records] = await Promise.all([
        services.queues.get(name).getSchedules(),
        services.backend.listSchedules(name),
      ]);
      return infos.map((info) => {
        const record = records.find((entry) => entry.key === info.key);
        return {
          queue: name,
          key: info.key,
          pattern: info.cron ?? `every ${info.every ?? 0} ms`,
          tz: info.tz,
          name: info.name,
          paused: info.paused,
          count: info.count,
          limit: info.limit,
          nextRuns: info.paused ? [] : nextRuns(info, record),
        };
      });
    }),
  );
  return perQueue.flat();
}

/** A worker with its health, judged from its heartbeat. */
export interface WorkerView extends WorkerInfo {
  health: "ok" | "late" | "idle-fetch";
}

/** A heartbeat older than this is late: workers beat every few seconds. */
const LATE_HEARTBEAT_MS = 30_000;
/** A worker with free slots whose fetch loop has not completed a fetch for this long looks stuck. */
const STUCK_FETCH_MS = 120_000;

/** Every live worker. */
export async function readWorkers(services: DashboardServices, now: number): Promise<WorkerView[]> {
  const workers = await services.backend.listWorkers();
  return workers.map((worker) => ({
    ...worker,
    health:
      now - worker.lastHeartbeat > LATE_HEARTBEAT_MS
        ? "late"
        : worker.lastFetchAt !== undefined &&
            worker.active < worker.concurrency &&
            now - worker.lastFetchAt > STUCK_FETCH_MS
          ? "idle-fetch"
          : "ok",
  }));
}

/** The charts' figures: every queue's, or one queue's. */
export function readStats(
  services: DashboardServices,
  now: number,
  queue: string | undefined,
): MinuteFigures[] {
  return services.stats.figures(now, queue);
}
