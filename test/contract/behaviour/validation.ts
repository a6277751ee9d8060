// Bad input: a typed error that says what to fix, nothing stored, and the queue keeps working.
import { expect, it } from "vitest";
import { Queue, ValidationError, Worker } from "../../../src/index.js";
import type { ContractContext } from "../contract-suite.js";

const BAD_OPTIONS: Array<[string, Record<string, unknown>, RegExp]> = [
  ["an unknown key", { retries: 3 }, /unknown option retries/],
  ["priority 0", { priority: 0 }, /priority must be an integer 1–10/],
  ["priority 11", { priority: 11 }, /priority/],
  ["a fractional priority", { priority: 2.5 }, /priority/],
  ["a negative delay", { delay: -1 }, /delay must be >= 0/],
  ["attempts 0", { attempts: 0 }, /attempts must be >= 1/],
  ["an unknown backoff shape", { backoff: "later" }, /backoff/],
  ["jitter above 1", { backoff: { type: "fixed", delay: 10, jitter: 3 } }, /jitter/],
  ["a zero timeout", { timeout: 0 }, /timeout/],
  ["a negative ttl", { ttl: -5 }, /ttl/],
  ["an empty jobId", { jobId: "" }, /jobId/],
  ["a dedupe without key", { dedupe: {} }, /dedupe/],
  ["a bad removeOnComplete", { removeOnComplete: "always" }, /removeOnComplete/],
];

export function validationCases({ harness }: ContractContext): void {
  it.each(BAD_OPTIONS)(
    "add rejects %s with INVALID_OPTION and stores nothing",
    async (_label, opts, message) => {
      const queue = harness.queue(await harness.backend());
      const error: unknown = await queue.add("x", {}, opts as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: "INVALID_OPTION" });
      expect((error as Error).message).toMatch(message);
      expect(await queue.getJobs()).toHaveLength(0);
    },
  );

  const cyclic: Record<string, unknown> = {};
  cyclic["self"] = cyclic;
  const BAD_DATA: Array<[string, unknown]> = [
    ["a function", { run: () => 1 }],
    ["a BigInt", { amount: 10n }],
    ["a cycle", cyclic],
    ["undefined at top level", undefined],
    ["a Map", new Map([["a", 1]])],
    ["NaN", { score: Number.NaN }],
    ["a symbol", { tag: Symbol("t") }],
  ];

  it.each(BAD_DATA)("add rejects data holding %s with INVALID_DATA", async (_label, data) => {
    const queue = harness.queue(await harness.backend());
    await expect(queue.add("x", data)).rejects.toMatchObject({ code: "INVALID_DATA" });
    expect(await queue.getJobs()).toHaveLength(0);
  });

  it("add rejects data over the payload limit with PAYLOAD_TOO_LARGE naming the sizes", async () => {
    const backend = await harness.backend();
    const queue = harness.queue(backend, undefined, { maxPayloadBytes: 1024 });
    await expect(queue.add("big", { blob: "x".repeat(2000) })).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      message: expect.stringMatching(/over the limit of 1024/) as string,
    });
    const defaultLimit = harness.queue(backend);
    await expect(defaultLimit.add("big", { blob: "x".repeat(1024 * 1024 + 1) })).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
    });
    expect(await queue.getJobs()).toHaveLength(0);
  });

  it("after rejected adds the queue keeps working and other jobs are unharmed", async () => {
    const backend = await harness.backend();
    const queue = harness.queue<{ n: number }, number>(backend);
    const good = await queue.add("ok", { n: 1 });
    await expect(queue.add("bad", { n: 2 }, { priority: -1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(queue.add("bad", { n: () => 2 } as never)).rejects.toBeInstanceOf(ValidationError);
    harness.worker<{ n: number }, number>(backend, queue.name, (job) => job.data.n * 10);
    const later = await queue.add("ok", { n: 3 });
    expect(await good.waitUntilFinished({ timeout: 10_000 })).toBe(10);
    expect(await later.waitUntilFinished({ timeout: 10_000 })).toBe(30);
  });

  it("invalid queue names, job names and worker options are rejected at construction", async () => {
    const backend = await harness.backend();
    expect(() => new Queue("has space", { backend })).toThrow(
      expect.objectContaining({ code: "INVALID_QUEUE_NAME" }),
    );
    const queue = harness.queue(backend);
    await expect(queue.add("", {})).rejects.toMatchObject({ code: "INVALID_OPTION" });
    expect(() => new Worker(queue.name, () => 1, { backend, concurrency: 0 })).toThrow(/concurrency/);
    expect(() => new Worker(queue.name, () => 1, { backend, limiter: { max: 0, duration: 10 } })).toThrow(
      /limiter\.max/,
    );
    expect(() => new Worker(queue.name, () => 1, { backend, bogus: true } as never)).toThrow(
      /unknown option/,
    );
  });
}
