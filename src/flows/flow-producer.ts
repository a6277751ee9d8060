// FlowProducer: adds a tree of jobs, possibly across queues, in one atomic enqueue. Each parent depends on
// its children, so it waits in `waiting-children` until they complete and then reads their results.
import type { Backend } from "../backend/contract.js";
import type { NewJobRecord } from "../backend/records.js";
import { DEFAULT_MAX_PAYLOAD_BYTES } from "../core/serializer.js";
import { assertQueueName } from "../core/topic-pattern.js";
import { ValidationError } from "../errors/warren-error.js";
import type { Logger } from "../logging/logger.js";
import { resolveLogger } from "../logging/logger-option.js";
import { Job } from "../job/job.js";
import { buildJobRecord } from "../model/build-record.js";
import { assertNoDependencyCycle } from "../model/dependency-cycles.js";
import type { JobOptions } from "../model/job-options.js";
import { assertBackend } from "../queue/queue-options.js";
import { loadOtelApi, traceBatchSend, withOtelInCallOrder } from "../tracing/index.js";

/** One node of a flow: a job, and the jobs that must complete before it runs. */
export interface FlowJob {
  name: string;
  queueName: string;
  data?: unknown;
  /** Job options; `dependsOn` here adds dependencies beyond the children. */
  opts?: JobOptions;
  children?: FlowJob[];
}

/** The stored flow: each job with its children, in the shape it was given. */
export interface JobNode {
  job: Job;
  children?: JobNode[];
}

/** Options of a {@link FlowProducer}. */
export interface FlowProducerOptions {
  backend: Backend;
  /** Largest job data, in bytes of JSON. @defaultValue 1 MiB */
  maxPayloadBytes?: number;
  /** Where the handle logs (any pino-compatible logger). @defaultValue the backend's logger */
  logger?: Logger;
}

/** Most jobs one flow may hold: a flow is one atomic write. */
export const MAX_FLOW_JOBS = 10_000;

/**
 * Adds trees of dependent jobs atomically.
 * @example
 * await new FlowProducer({ backend }).add({
 *   name: "render", queueName: "video",
 *   children: [{ name: "transcode", queueName: "cpu", data: { part: 1 } }],
 * });
 */
export class FlowProducer {
  private readonly backend: Backend;
  private readonly maxPayloadBytes: number;
  private readonly logger: Logger;

  constructor(options: FlowProducerOptions) {
    assertBackend(options, "FlowProducer");
    this.backend = options.backend;
    this.maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
    this.logger = resolveLogger(options.logger, this.backend.logger, "FlowProducer");
    void loadOtelApi();
  }

  /**
   * Stores every job of the tree, or none (and throws). A parent waits until every child completes; a child
   * that fails for good fails its parent, unless the child sets `ignoreDependencyOnFailure`. Traced as one batch
   * send, each child's span linking its parent's.
   */
  async add(flow: FlowJob): Promise<JobNode> {
    const backend = this.backend;
    const now = backend.clock.now();
    const records: NewJobRecord[] = [];
    const shape = this.collect(flow, now, records, "flow");
    assertUniqueIds(records);
    assertNoDependencyCycle(records);
    const results = await withOtelInCallOrder((otel) => {
      if (otel === null) return backend.enqueue(records);
      const parents = parentIndexes(shape, records.length);
      return traceBatchSend(
        otel,
        backend.messagingSystem,
        records,
        () => backend.enqueue(records),
        (index) => parents[index],
      );
    });
    this.logger.debug({ queue: flow.queueName, jobs: records.length }, "flow stored");
    const jobs = results.map((result) => new Job(result.record, { backend: this.backend }));
    return toNode(shape, jobs);
  }

  /** Builds records children first (post-order), so every parent follows the jobs it waits on. */
  private collect(node: FlowJob, now: number, records: NewJobRecord[], path: string): Shape {
    if (node === null || typeof node !== "object") {
      throw new ValidationError(
        "INVALID_OPTION",
        `${path} must be { name, queueName, data?, opts?, children? }`,
      );
    }
    const { name, queueName, data, opts, children = [] } = node;
    if (!Array.isArray(children)) {
      throw new ValidationError("INVALID_OPTION", `${path}.children must be an array of flow jobs`);
    }
    const childShapes = children.map((child, i) =>
      this.collect(child, now, records, `${path}.children[${i}]`),
    );
    if (records.length >= MAX_FLOW_JOBS) {
      throw new ValidationError("INVALID_OPTION", `a flow holds at most ${MAX_FLOW_JOBS} jobs; split it`);
    }
    const record = withPath(path, () => {
      assertQueueName(queueName);
      const own = opts?.dependsOn === undefined ? [] : [opts.dependsOn].flat();
      const childRefs = childShapes.map(
        (child) => `${records[child.index]!.queue}:${records[child.index]!.id}`,
      );
      const context = { queueName, defaults: {}, maxPayloadBytes: this.maxPayloadBytes, now };
      return buildJobRecord(context, name, data ?? null, {
        ...opts,
        ...(own.length + childRefs.length > 0 ? { dependsOn: [...own, ...childRefs] } : {}),
      });
    });
    // Children are built first, before their parent has an id: each learns it now.
    for (const child of childShapes) records[child.index]!.parent = { queue: record.queue, id: record.id };
    records.push(record);
    return { index: records.length - 1, children: childShapes };
  }
}

interface Shape {
  index: number;
  children: Shape[];
}

function toNode(shape: Shape, jobs: Job[]): JobNode {
  const job = jobs[shape.index]!;
  return shape.children.length === 0
    ? { job }
    : { job, children: shape.children.map((c) => toNode(c, jobs)) };
}

/** For each record, the index of its parent in the flow (undefined for the root). */
function parentIndexes(root: Shape, count: number): Array<number | undefined> {
  const parents = new Array<number | undefined>(count);
  const visit = (shape: Shape): void => {
    for (const child of shape.children) {
      parents[child.index] = shape.index;
      visit(child);
    }
  };
  visit(root);
  return parents;
}

/** Two nodes with one id would silently become one job; say so instead. */
function assertUniqueIds(records: NewJobRecord[]): void {
  const seen = new Set<string>();
  for (const record of records) {
    const ref = `${record.queue}:${record.id}`;
    if (seen.has(ref)) {
      throw new ValidationError(
        "INVALID_OPTION",
        `job ${ref} appears twice in the flow; give each node its own jobId`,
      );
    }
    seen.add(ref);
  }
}

/** Prefixes a validation error with where in the tree it happened. */
function withPath<T>(path: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError(error.code as never, `${path}: ${error.message}`, { details: error.details });
    }
    throw error;
  }
}
