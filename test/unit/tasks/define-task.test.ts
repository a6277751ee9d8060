import { afterEach, describe, expect, it } from "vitest";
import { defineTask, MemoryBackend, runTasks, type TaskWorkers } from "../../../src/index.js";

describe("defineTask and runTasks (memory backend)", () => {
  let running: TaskWorkers | undefined;
  const backend = new MemoryBackend();
  afterEach(async () => {
    await running?.close({ force: true });
    running = undefined;
  });

  it("enqueues by task with its defaults, and the worker runs the task its job name selects", async () => {
    let tries = 0;
    const flaky = defineTask<{ to: string }, string>(
      "mail-t1",
      "send",
      (data, { job }) => {
        tries += 1;
        if (job.attemptsMade < 2) throw new Error("smtp busy");
        return `sent to ${data.to}`;
      },
      { attempts: 3 },
    );
    const other = defineTask("mail-t1", "digest", () => "digest done");
    running = runTasks([flaky, other], { backend, concurrency: 2 });
    const job = await flaky.enqueue({ to: "a@b.c" }, {}, backend);
    expect(job.opts.attempts).toBe(3);
    expect(await job.waitUntilFinished({ timeout: 10_000 })).toBe("sent to a@b.c");
    expect(tries).toBe(2);
    expect(await (await other.enqueue(null, {}, backend)).waitUntilFinished({ timeout: 10_000 })).toBe(
      "digest done",
    );
  });

  it("a job whose name no running task has fails at once, naming the known tasks", async () => {
    const known = defineTask("mail-t2", "send", () => "ok");
    const unknown = defineTask("mail-t2", "vanished", () => "never", { attempts: 5 });
    running = runTasks([known], { backend });
    const job = await unknown.enqueue(null, {}, backend);
    await expect(job.waitUntilFinished({ timeout: 10_000 })).rejects.toThrow(
      /no task named "vanished".*known: send/,
    );
    expect(await job.getState()).toBe("failed");
  });

  it("rejects bad definitions when they are made", () => {
    expect(() => defineTask("mail", "send", () => 1, { attempts: 0 })).toThrow(/attempts/);
    expect(() => defineTask("mail.*", "send", () => 1)).toThrow(/queue name/);
    expect(() => defineTask("mail", "", () => 1)).toThrow(/task name/);
    const twin = defineTask("mail-t3", "send", () => 1);
    expect(() => runTasks([twin, defineTask("mail-t3", "send", () => 2)], { backend })).toThrow(/two tasks/);
  });
});
