// A queue name typed on the command line: reading a queue that does not exist would print zeros and exit 0,
// which hides a typo. The read commands check the name against the backend's queues first.
import type { Backend } from "../../backend/contract.js";
import { closestName } from "../../core/closest-name.js";
import { NotFoundError } from "../../errors/warren-error.js";

/** Resolves when `backend` knows `name`; otherwise throws NOT_FOUND naming the closest queue it does know. */
export async function requireKnownQueue(backend: Backend, name: string): Promise<void> {
  const names = await backend.listQueues();
  if (names.includes(name)) return;
  const guess = closestName(name, names);
  const hint = guess ? `did you mean "${guess}"?` : "`warren queue ls` lists the queues it has";
  throw new NotFoundError(`queue "${name}" does not exist on this backend; ${hint}`);
}
