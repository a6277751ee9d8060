import { describe, expect, it } from "vitest";
import { MicroBatcher, type MicroBatcherOptions } from "../../../src/core/micro-batcher.js";
import { ValidationError } from "../../../src/errors/warren-error.js";

/** A send whose batches the test answers by hand. */
function manualSend(): {
  batches: string[][];
  answer: (index: number, results?: string[]) => void;
  fail: (index: number, error: unknown) => void;
  send: (items: string[]) => Promise<string[]>;
} {
  const batches: string[][] = [];
  const settlers: Array<{ resolve: (results: string[]) => void; reject: (error: unknown) => void }> = [];
  return {
    batches,
    answer: (index, results) =>
      settlers[index]!.resolve(results ?? batches[index]!.map((item) => `${item}!`)),
    fail: (index, error) => settlers[index]!.reject(error),
    send: (items) => {
      batches.push(items);
      return new Promise((resolve, reject) => settlers.push({ resolve, reject }));
    },
  };
}

function batcher(
  options: Omit<MicroBatcherOptions<string, string>, "send">,
  send: (items: string[]) => Promise<string[]>,
): MicroBatcher<string, string> {
  return new MicroBatcher({ ...options, send });
}

/** Lets every promise reaction queued so far run (no timers involved). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe("MicroBatcher", () => {
  it("sends a lone item at once and gathers the items that come while it is in flight into the next batch", async () => {
    const manual = manualSend();
    const b = batcher({}, manual.send);
    const first = b.submit("a");
    expect(manual.batches).toEqual([["a"]]);
    const rest = [b.submit("b"), b.submit("c"), b.submit("d")];
    expect(manual.batches).toEqual([["a"]]);
    manual.answer(0);
    expect(await first).toBe("a!");
    await settle();
    expect(manual.batches).toEqual([["a"], ["b", "c", "d"]]);
    manual.answer(1);
    expect(await Promise.all(rest)).toEqual(["b!", "c!", "d!"]);
  });

  it("answers each item with the result at its own position", async () => {
    const manual = manualSend();
    const b = batcher({ gatherTick: true }, manual.send);
    const answers = [b.submit("x"), b.submit("y"), b.submit("z")];
    await settle();
    manual.answer(0, ["3", "2", "1"]);
    expect(await Promise.all(answers)).toEqual(["3", "2", "1"]);
  });

  it("with gatherTick, items submitted in the same tick share the first batch", async () => {
    const manual = manualSend();
    const b = batcher({ gatherTick: true }, manual.send);
    const answers = [b.submit("a"), b.submit("b")];
    expect(manual.batches).toEqual([]);
    await settle();
    expect(manual.batches).toEqual([["a", "b"]]);
    manual.answer(0);
    expect(await Promise.all(answers)).toEqual(["a!", "b!"]);
  });

  it("never sends more than maxBatch items at once, and keeps the submission order across batches", async () => {
    const manual = manualSend();
    const b = batcher({ maxBatch: 2, gatherTick: true }, manual.send);
    const answers = ["a", "b", "c", "d", "e"].map((item) => b.submit(item));
    for (let i = 0; i < 3; i++) {
      await settle();
      manual.answer(i);
    }
    expect(await Promise.all(answers)).toEqual(["a!", "b!", "c!", "d!", "e!"]);
    expect(manual.batches).toEqual([["a", "b"], ["c", "d"], ["e"]]);
  });

  it("a failed batch rejects every one of its items with the batch's error, and the next batch still goes", async () => {
    const manual = manualSend();
    const b = batcher({}, manual.send);
    const first = b.submit("a");
    const second = [b.submit("b"), b.submit("c")];
    const broken = new Error("store down");
    manual.fail(0, broken);
    await expect(first).rejects.toBe(broken);
    await settle();
    manual.fail(1, broken);
    const outcomes = await Promise.allSettled(second);
    expect(outcomes).toEqual([
      { status: "rejected", reason: broken },
      { status: "rejected", reason: broken },
    ]);
    const later = b.submit("d");
    manual.answer(2);
    expect(await later).toBe("d!");
  });

  it("a send that throws before returning a promise rejects its items like a failed one", async () => {
    let calls = 0;
    const b = new MicroBatcher<string, string>({
      send: (items) => {
        calls += 1;
        if (calls === 1) throw new Error("no backend");
        return Promise.resolve(items.map((item) => `${item}!`));
      },
    });
    await expect(b.submit("a")).rejects.toThrow("no backend");
    expect(await b.submit("b")).toBe("b!");
  });

  it("with retryAlone, a failed batch is sent again one item at a time and only the item at fault fails", async () => {
    const sent: string[][] = [];
    const b = new MicroBatcher<string, string>({
      gatherTick: true,
      send: (items) => {
        sent.push(items);
        if (items.includes("bad")) return Promise.reject(new ValidationError("INVALID_OPTION", "bad item"));
        return Promise.resolve(items.map((item) => `${item}!`));
      },
      retryAlone: (error) => error instanceof ValidationError,
    });
    const outcomes = await Promise.allSettled([b.submit("a"), b.submit("bad"), b.submit("c")]);
    expect(outcomes.map((o) => (o.status === "fulfilled" ? o.value : (o.reason as Error).message))).toEqual([
      "a!",
      "bad item",
      "c!",
    ]);
    expect(sent).toEqual([["a", "bad", "c"], ["a"], ["bad"], ["c"]]);
  });

  it("does not retry alone an error that retryAlone refuses", async () => {
    const sent: string[][] = [];
    const broken = new Error("store down");
    const b = new MicroBatcher<string, string>({
      gatherTick: true,
      send: (items) => {
        sent.push(items);
        return Promise.reject(broken);
      },
      retryAlone: (error) => error instanceof ValidationError,
    });
    const outcomes = await Promise.allSettled([b.submit("a"), b.submit("b")]);
    expect(outcomes.every((o) => o.status === "rejected" && o.reason === broken)).toBe(true);
    expect(sent).toEqual([["a", "b"]]);
  });

  it("idle resolves once every item is answered, including items submitted while it waited", async () => {
    const manual = manualSend();
    const b = batcher({}, manual.send);
    await b.idle();
    const answered: string[] = [];
    void b.submit("a").then((result) => answered.push(result));
    let idle = false;
    const waiting = b.idle().then(() => (idle = true));
    void b.submit("b").then((result) => answered.push(result));
    manual.answer(0);
    await settle();
    expect(idle).toBe(false);
    manual.answer(1);
    await waiting;
    expect(answered).toEqual(["a!", "b!"]);
  });

  it("refuses a maxBatch that is not a whole number of at least 1", () => {
    const send = (): Promise<string[]> => Promise.resolve([]);
    for (const maxBatch of [0, -1, 1.5, Number.NaN]) {
      expect(() => new MicroBatcher({ send, maxBatch })).toThrow(ValidationError);
    }
    expect(() => new MicroBatcher({ send, maxBatch: Infinity })).not.toThrow();
  });
});
