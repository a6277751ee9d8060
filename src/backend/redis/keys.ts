// Key names: every key of a queue shares the hash tag {prefix:queue}, so a queue lives in one cluster slot.
import { ValidationError } from "../../errors/warren-error.js";

const PREFIX = /^[A-Za-z0-9_-]{1,64}$/;

/** Key builders for one prefix. */
export interface RedisKeys {
  /** `{prefix:queue}:` — scripts derive every key of the queue from it. */
  base(queue: string): string;
  /** The set of queue names under this prefix. */
  registry: string;
  events(queue: string): string;
  marker(queue: string): string;
  logs(queue: string, id: string): string;
  delayed(queue: string): string;
  /** The worker registry: one hash, field = worker id, value = JSON with its expiry. */
  workers: string;
  /** A named lock (`backend.lock`): its own hash tag, one slot per lock. */
  lock(key: string): string;
}

/** Builds the keys for `prefix` (letters, digits, `_`, `-`). */
export function redisKeys(prefix: string): RedisKeys {
  if (!PREFIX.test(prefix)) {
    throw new ValidationError(
      "INVALID_OPTION",
      `redis prefix must be 1–64 letters, digits, "_" or "-" (got ${JSON.stringify(prefix)})`,
    );
  }
  const base = (queue: string): string => `{${prefix}:${queue}}:`;
  return {
    base,
    registry: `${prefix}:queues`,
    events: (queue) => `${base(queue)}events`,
    marker: (queue) => `${base(queue)}marker`,
    logs: (queue, id) => `${base(queue)}logs:${id}`,
    delayed: (queue) => `${base(queue)}delayed`,
    workers: `${prefix}:workers`,
    lock: (key) => `{${prefix}:lock:${key}}`,
  };
}
