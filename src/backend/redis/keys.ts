// Key names: every key of a queue shares the hash tag {prefix:queue}, so a queue lives in one cluster slot.
/** Key builders for one prefix. */
export interface RedisKeys {
  /** `{prefix:queue}:` — scripts derive every key of the queue from it. */
  base(queue: string): string;
  /** The set of queue names under this prefix. */
  registry: string;
  events(queue: string): string;
  /** The queue's control events only (CONTROL_EVENTS), for subscribers that need no more. */
  control(queue: string): string;
  marker(queue: string): string;
  logs(queue: string, id: string): string;
  delayed(queue: string): string;
  /** The worker registry: one hash, field = worker id, value = JSON with its expiry. */
  workers: string;
  /** A named lock (`backend.lock`): its own hash tag, one slot per lock. */
  lock(key: string): string;
}

/** Builds the keys for `prefix` (validated by resolveRedisStoreOptions: letters, digits, `_`, `-`). */
export function redisKeys(prefix: string): RedisKeys {
  const base = (queue: string): string => `{${prefix}:${queue}}:`;
  return {
    base,
    registry: `${prefix}:queues`,
    events: (queue) => `${base(queue)}events`,
    control: (queue) => `${base(queue)}control`,
    marker: (queue) => `${base(queue)}marker`,
    logs: (queue, id) => `${base(queue)}logs:${id}`,
    delayed: (queue) => `${base(queue)}delayed`,
    workers: `${prefix}:workers`,
    lock: (key) => `{${prefix}:lock:${key}}`,
  };
}
