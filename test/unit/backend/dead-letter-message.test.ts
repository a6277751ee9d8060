import type * as amqp from "amqplib";
import { describe, expect, it } from "vitest";
import { readDeadLetterMessages, replayHeaders } from "../../../src/backend/amqp/dead-letter-message.js";

/** A message as amqplib hands it over; headers are loose here, as a foreign producer's may be. */
function message(body: string, properties: { headers?: Record<string, unknown> } = {}): amqp.Message {
  return {
    content: Buffer.from(body),
    fields: {} as amqp.MessageFields,
    properties: { headers: {}, ...properties } as unknown as amqp.MessageProperties,
  };
}

describe("reading dead-letter queue messages", () => {
  it("a Warren copy names its job, with Warren's reason and time", () => {
    const [read] = readDeadLetterMessages([
      message('{"v":1,"id":"j1","name":"charge","data":{"order":7}}', {
        headers: { "x-warren-reason": "card declined", "x-warren-dead-lettered-at": 1_700_000_000_123 },
      }),
    ]);
    expect(read?.jobId).toBe("j1");
    expect(read?.letter).toEqual({
      id: expect.stringMatching(/^broker:[0-9a-f]{20}$/) as string,
      jobId: "j1",
      name: "charge",
      data: '{"order":7}',
      reason: "card declined",
      deadLetteredAt: 1_700_000_000_123,
      source: "broker",
    });
  });

  it("a malformed message has no job, and says why; a broker dead-lettering gives its x-death reason and time", () => {
    const [malformed, rejected] = readDeadLetterMessages([
      message("not json"),
      message('{"v":1,"name":"x","data":null}', {
        headers: {
          "x-death": [
            { reason: "expired", queue: "warren.q.email", time: { "!": "timestamp", value: 1_700_000_000 } },
            { reason: "rejected", queue: "warren.q.other" },
          ],
        },
      }),
    ]);
    expect(malformed?.jobId).toBeUndefined();
    expect(malformed?.letter).toMatchObject({ reason: "malformed: body is not JSON", deadLetteredAt: 0 });
    expect(malformed?.letter.name).toBeUndefined();
    expect(rejected?.letter).toMatchObject({
      reason: "dead-lettered by the broker: expired from warren.q.email",
      deadLetteredAt: 1_700_000_000_000,
      name: "x",
      data: "null",
    });
  });

  it("keys are stable across readings, and identical messages get numbered keys in queue order", () => {
    const batch = [message("same"), message("other"), message("same")];
    const first = readDeadLetterMessages(batch).map((read) => read.letter.id);
    expect(readDeadLetterMessages(batch).map((read) => read.letter.id)).toEqual(first);
    expect(first[2]).toBe(`${first[0]}:2`);
    expect(first[1]).not.toBe(first[0]);
  });

  it("a replayed message drops the dead-lettering headers and keeps the producer's", () => {
    expect(
      replayHeaders({
        "x-death": [],
        "x-first-death-reason": "rejected",
        "x-warren-reason": "r",
        "x-warren-dead-lettered-at": 1,
        traceparent: "00-abc",
        "x-app": "kept",
      }),
    ).toEqual({ traceparent: "00-abc", "x-app": "kept" });
  });
});
