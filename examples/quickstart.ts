import { createBackend, Queue, QueueEvents, Worker } from "warren";

const backend = await createBackend(); // memory:// unless WARREN_URL says otherwise
const queue = new Queue<{ to: string }, string>("email", { backend });
const events = new QueueEvents("email", { backend });
events.on("completed", (e) => console.log(`job ${e.jobId} completed:`, e.returnValue));

const worker = new Worker<{ to: string }, string>(
  "email",
  async (job, { signal }) => {
    await job.updateProgress(50);
    if (signal.aborted) throw new Error("aborted");
    return `sent to ${job.data.to}`;
  },
  { backend, concurrency: 10 },
);

const job = await queue.add("welcome", { to: "ada@example.com" }, { attempts: 3, backoff: 1000 });
console.log(await job.waitUntilFinished()); // "sent to ada@example.com"
await worker.close();
await events.close();
await backend.close();
