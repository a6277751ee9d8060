// The lateness scenario's worker, in its own process (plain JavaScript over dist/, so no loader sits in the
// figures): `node bench/lateness/worker.mjs <backend url> <queue>`. Default options: the maintenance tick and
// block time a user gets. A job named "retry" fails its first try. Prints "ready" once its first job ran.
import { createBackend, Worker } from "../../dist/index.js";

const [url, queue] = process.argv.slice(2);
const backend = await createBackend(url);
const worker = new Worker(
  queue,
  (job) => {
    if (job.name === "warm-up") console.log("ready");
    if (job.name === "retry" && job.attemptsMade === 1) throw new Error("first try fails, by plan");
    return job.name;
  },
  { backend, concurrency: 10 },
);
worker.on("error", (error) => console.error(`[lateness-worker] ${error.message}`));
process.on("SIGTERM", () => {
  void worker
    .close()
    .then(() => backend.close())
    .then(() => process.exit(0));
});
