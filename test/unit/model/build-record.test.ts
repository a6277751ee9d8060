import { describe, expect, it } from "vitest";
import { buildJobRecord, type RecordContext } from "../../../src/model/build-record.js";

const now = 1_000_000;
const context: RecordContext = { queueName: "q", defaults: { attempts: 3 }, maxPayloadBytes: 64, now };

describe("buildJobRecord", () => {
  it("stores the job with the queue's defaults applied under the caller's jobId", () => {
    const record = buildJobRecord(context, "send", { to: "a" }, { jobId: "j1", delay: 500 });
    expect(record).toEqual({
      id: "j1",
      queue: "q",
      name: "send",
      data: '{"to":"a"}',
      opts: expect.objectContaining({ attempts: 3, priority: 5, delay: 500 }),
      createdAt: now,
      runAt: now + 500,
    });
  });

  it("gives a job without a jobId a fresh UUID v7", () => {
    const a = buildJobRecord(context, "send", null, undefined);
    const b = buildJobRecord(context, "send", null, undefined);
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(a.id).not.toBe(b.id);
  });

  it("keeps an id settled before the record is built, whatever opts.jobId says", () => {
    expect(buildJobRecord(context, "send", null, { jobId: "from-opts" }, "settled").id).toBe("settled");
  });

  it("names the options as the context calls them when they are invalid", () => {
    const adopting = { ...context, optionsLabel: "message opts" };
    expect(() => buildJobRecord(adopting, "send", null, { priority: 0 })).toThrow(
      /^invalid message opts: priority must be an integer 1–10/,
    );
    expect(() => buildJobRecord(context, "send", null, { priority: 0 })).toThrow(/^invalid job options: /);
  });

  it.each([
    ["an empty name", "", null, /job name must be a non-empty string/],
    ["data JSON cannot hold", "send", { n: Number.POSITIVE_INFINITY }, /cannot be stored as JSON/],
    ["data over the payload limit", "send", { text: "x".repeat(100) }, /over the limit of 64/],
  ])("refuses %s with a ValidationError", (_label, name, data, message) => {
    expect(() => buildJobRecord(context, name, data, undefined)).toThrow(message);
  });
});
