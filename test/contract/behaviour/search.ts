// Job search: a bounded, case-insensitive, literal substring match over id, name, failed reason and data,
// newest first, the same on every backend.
import { describe, expect, it } from "vitest";
import type { Job, JobState, Queue, SearchJobsResult } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import type { ContractContext } from "../contract-suite.js";

/** The ids of a search's page, in order. */
function ids(found: SearchJobsResult): string[] {
  return found.jobs.map((job: Job) => job.id);
}

/** Adds `count` jobs in one batch with ids `<prefix>-0`… (insertion order = newest last). */
async function addNumbered(queue: Queue<{ note: string }>, prefix: string, count: number): Promise<string[]> {
  const jobs = await queue.addBulk(
    Array.from({ length: count }, (_, i) => ({
      name: "numbered",
      data: { note: `${prefix} item ${i}` },
      opts: { jobId: `${prefix}-${i}` },
    })),
  );
  return jobs.map((job) => job.id);
}

export function searchCases({ harness }: ContractContext): void {
  describe("job search", () => {
    it("a search finds jobs by a word inside their data, by id, by name and by failed reason", async () => {
      const backend = await harness.backend();
      const queue = harness.queue<{ customer: string }>(backend);
      const invoice = await queue.add("send-invoice", { customer: "Ada Lovelace" }, { jobId: "order-4711" });
      const resize = await queue.add("resize-image", { customer: "Grace Hopper" });
      const mail = await queue.add("mail", { customer: "Alan Turing" });
      harness.worker<{ customer: string }>(backend, queue.name, (job) => {
        if (job.name === "mail") throw new Error("SMTP relay refused the message");
        return "ok";
      });
      await waitFor(async () => (await queue.getJobCounts("failed")).failed === 1, {
        message: "the mail job to fail",
      });

      expect(ids(await queue.searchJobs("Lovelace"))).toEqual([invoice.id]);
      expect(ids(await queue.searchJobs("order-4711"))).toEqual([invoice.id]);
      expect(ids(await queue.searchJobs("resize-image"))).toEqual([resize.id]);
      const refused = await queue.searchJobs("relay refused");
      expect(ids(refused)).toEqual([mail.id]);
      expect(refused).toMatchObject({ total: 1, truncated: false });
      expect(refused.jobs[0]).toMatchObject({
        state: "failed",
        failedReason: "SMTP relay refused the message",
      });
      expect(await queue.searchJobs("nobody by that name")).toEqual({ jobs: [], total: 0, truncated: false });
    });

    it("a search ignores the case of the text and of the job", async () => {
      const queue = harness.queue<{ city: string }>(await harness.backend());
      const job = await queue.add("Ship-Order", { city: "Trondheim" });
      expect(ids(await queue.searchJobs("TRONDHEIM"))).toEqual([job.id]);
      expect(ids(await queue.searchJobs("tronDHeim"))).toEqual([job.id]);
      expect(ids(await queue.searchJobs("ship-order"))).toEqual([job.id]);
    });

    it("states narrows a search to jobs in those states", async () => {
      const queue = harness.queue<{ note: string }>(await harness.backend());
      const waiting = await queue.add("task", { note: "needle" });
      const delayed = await queue.add("task", { note: "needle" }, { delay: 60_000 });
      await queue.add("task", { note: "hay" }, { delay: 60_000 });
      expect(ids(await queue.searchJobs("needle", { states: ["delayed"] }))).toEqual([delayed.id]);
      expect(ids(await queue.searchJobs("needle", { states: "waiting" }))).toEqual([waiting.id]);
      expect(ids(await queue.searchJobs("needle", { states: ["completed", "failed"] }))).toEqual([]);
      expect((await queue.searchJobs("needle")).total).toBe(2);
    });

    it("a search pages through its matches newest first with offset and limit", async () => {
      const queue = harness.queue<{ note: string }>(await harness.backend());
      const added = await addNumbered(queue, "page", 5);
      await queue.add("other", { note: "not this one" });
      const newestFirst = [...added].reverse();
      const first = await queue.searchJobs("page item", { limit: 2 });
      expect(first).toMatchObject({ total: 5, truncated: false });
      expect(ids(first)).toEqual(newestFirst.slice(0, 2));
      expect(ids(await queue.searchJobs("page item", { offset: 2, limit: 2 }))).toEqual(
        newestFirst.slice(2, 4),
      );
      const last = await queue.searchJobs("page item", { offset: 4, limit: 2 });
      expect(ids(last)).toEqual(newestFirst.slice(4));
      const beyond = await queue.searchJobs("page item", { offset: 10 });
      expect(beyond).toEqual({ jobs: [], total: 5, truncated: false });
    });

    it("scanLimit bounds how many jobs a search examines, newest first, and reports truncated", async () => {
      const queue = harness.queue<{ note: string }>(await harness.backend());
      const added = await addNumbered(queue, "scan", 5);
      const newestFirst = [...added].reverse();
      const cut = await queue.searchJobs("scan item", { scanLimit: 3 });
      expect(cut).toMatchObject({ total: 3, truncated: true });
      expect(ids(cut)).toEqual(newestFirst.slice(0, 3));
      // The oldest job matches only itself: outside the newest three, the bound hides it.
      expect(await queue.searchJobs("scan item 0", { scanLimit: 3 })).toEqual({
        jobs: [],
        total: 0,
        truncated: true,
      });
      expect(await queue.searchJobs("scan item", { scanLimit: 5 })).toMatchObject({
        total: 5,
        truncated: false,
      });
      expect(await queue.searchJobs("scan item", { scanLimit: 6 })).toMatchObject({
        total: 5,
        truncated: false,
      });
    });

    it("pattern characters in the text are matched literally: %, _, .*, [ and \\", async () => {
      const queue = harness.queue<{ note: string }>(await harness.backend());
      const percent = await queue.add("note", { note: "50% off" });
      const underscore = await queue.add("note", { note: "snake_case" });
      const dotStar = await queue.add("note", { note: "a.*b" });
      const bracket = await queue.add("note", { note: "[tag]" });
      await queue.add("note", { note: "axb 50 off snakeXcase a-b tag" });
      expect(ids(await queue.searchJobs("%"))).toEqual([percent.id]);
      expect(ids(await queue.searchJobs("50%off"))).toEqual([]);
      expect(ids(await queue.searchJobs("_"))).toEqual([underscore.id]);
      expect(ids(await queue.searchJobs("snake_case"))).toEqual([underscore.id]);
      expect(ids(await queue.searchJobs(".*"))).toEqual([dotStar.id]);
      expect(ids(await queue.searchJobs("a.*b"))).toEqual([dotStar.id]);
      expect(ids(await queue.searchJobs("[tag"))).toEqual([bracket.id]);
      expect(ids(await queue.searchJobs("[t]"))).toEqual([]);
      // A backslash is stored escaped in the data's JSON text, and the search looks in that text.
      const backslash = await queue.add("note", { note: "C:\\temp" });
      expect(ids(await queue.searchJobs("\\"))).toEqual([backslash.id]);
    });

    it("a search through large payloads examines every job within the bound", async () => {
      const queue = harness.queue<{ blob: string; tag: string }>(await harness.backend());
      // ~6 MB in all: more than one bounded step of a chunked scan (Redis matches ~4 MB per script call).
      const blob = "x".repeat(700_000);
      const jobs = await queue.addBulk(
        Array.from({ length: 9 }, (_, i) => ({
          name: "big",
          data: { blob, tag: i % 3 === 0 ? "NEEDLE" : "hay" },
        })),
      );
      const found = await queue.searchJobs("needle");
      expect(found).toMatchObject({ total: 3, truncated: false });
      expect(ids(found)).toEqual([jobs[6]!.id, jobs[3]!.id, jobs[0]!.id]);
    });

    it("a search of a queue that was never used finds nothing", async () => {
      const queue = harness.queue(await harness.backend());
      expect(await queue.searchJobs("anything")).toEqual({ jobs: [], total: 0, truncated: false });
    });

    it("a search without text or with a bad option is refused, naming what to fix", async () => {
      const queue = harness.queue(await harness.backend());
      await expect(queue.searchJobs("")).rejects.toMatchObject({
        code: "INVALID_OPTION",
        message: expect.stringContaining("text") as unknown,
      });
      await expect(queue.searchJobs("x", { scanLimit: 0 })).rejects.toMatchObject({
        code: "INVALID_OPTION",
        message: expect.stringContaining("scanLimit must be at least 1") as unknown,
      });
      await expect(queue.searchJobs("x", { states: "bogus" as JobState })).rejects.toMatchObject({
        code: "INVALID_OPTION",
      });
      await expect(queue.searchJobs("x", { limit: 1.5 })).rejects.toMatchObject({ code: "INVALID_OPTION" });
      await expect(queue.searchJobs("x", { order: "asc" } as never)).rejects.toMatchObject({
        code: "INVALID_OPTION",
        message: expect.stringContaining("order") as unknown,
      });
    });
  });
}
