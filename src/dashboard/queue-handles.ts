// One Queue handle per queue name, made on first use: every page and action goes through the public Queue API.
import type { Backend } from "../backend/contract.js";
import { assertQueueName } from "../core/topic-pattern.js";
import { Queue } from "../queue/queue.js";

/** Queue handles by name, on one backend. */
export class QueueHandles {
  private readonly handles = new Map<string, Queue>();

  constructor(private readonly backend: Backend) {}

  /** The handle of `name`; throws ValidationError for a name that is not a queue name. */
  get(name: string): Queue {
    let queue = this.handles.get(name);
    if (!queue) {
      assertQueueName(name);
      queue = new Queue(name, { backend: this.backend });
      this.handles.set(name, queue);
    }
    return queue;
  }

  /** Every queue the backend knows, sorted by name. */
  async names(): Promise<string[]> {
    return (await this.backend.listQueues()).sort();
  }
}
