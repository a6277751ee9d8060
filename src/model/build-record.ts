// One job's stored form from what a caller passed: name, data and options checked, defaults applied. The one
// builder for every job added: by a Queue, a FlowProducer, or adopted by a backend from a foreign message.
import type { NewJobRecord } from "./job-record.js";
import { uuidv7 } from "../core/ids.js";
import { serializeData } from "../core/serializer.js";
import { ValidationError } from "../errors/warren-error.js";
import { resolveJobOptions, validateJobOptions, type JobOptions } from "./job-options.js";

const MAX_JOB_NAME_LENGTH = 256;

/** Where a job is being added, and the rules that apply there. */
export interface RecordContext {
  queueName: string;
  defaults: JobOptions;
  maxPayloadBytes: number;
  now: number;
  /** What the options are called in a ValidationError's message. @defaultValue "job options" */
  optionsLabel?: string;
}

/**
 * Validates and serialises one job; throws ValidationError before anything is stored. `id`, when given, is the
 * job's id whatever `opts.jobId` says: an adopted message's id is settled before its record is built.
 */
export function buildJobRecord(
  context: RecordContext,
  name: string,
  data: unknown,
  opts: JobOptions | undefined,
  id?: string,
): NewJobRecord {
  if (typeof name !== "string" || name.length === 0 || name.length > MAX_JOB_NAME_LENGTH) {
    throw new ValidationError(
      "INVALID_OPTION",
      `job name must be a non-empty string of at most ${MAX_JOB_NAME_LENGTH} characters (got ${JSON.stringify(name)})`,
    );
  }
  const checked = validateJobOptions(opts, context.optionsLabel);
  const resolved = resolveJobOptions(checked, context.defaults, context.queueName, context.now);
  return {
    id: id ?? resolved.id ?? uuidv7(context.now),
    queue: context.queueName,
    name,
    data: serializeData(data, context.maxPayloadBytes),
    opts: resolved.stored,
    createdAt: context.now,
    runAt: resolved.runAt,
  };
}
