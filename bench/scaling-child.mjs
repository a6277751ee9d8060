// One worker process of the scaling bench (bench/scaling.ts). Plain JavaScript over the build in dist/, so no
// TypeScript loader sits in the figure.
//   node bench/scaling-child.mjs <backend url> <queue> <concurrency>
// Opens the backend and a worker that does not run yet, prints `ready`; on the line `go` from stdin it starts,
// and prints `done <n>` (completions so far) every 100 ms; on `stop` it closes and exits.
import { createInterface } from "node:readline";
import { createBackend, Worker } from "../dist/index.js";

const [url, queueName, concurrencyText] = process.argv.slice(2);
const backend = await createBackend(url);
let done = 0;
const worker = new Worker(queueName, () => undefined, {
  backend,
  concurrency: Number(concurrencyText),
  autorun: false,
});
worker.on("error", (error) => console.error(`[scaling-child] ${error.message}`));
worker.on("completed", () => (done += 1));
let progress;
console.log("ready");
for await (const line of createInterface({ input: process.stdin })) {
  if (line === "go") {
    void worker.run();
    progress = setInterval(() => console.log(`done ${done}`), 100);
  } else if (line === "stop") {
    break;
  }
}
clearInterval(progress);
console.log(`done ${done}`);
await worker.close();
await backend.close();
process.exit(0);
