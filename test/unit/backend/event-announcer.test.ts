import { describe, expect, it } from "vitest";
import { EventAnnouncer } from "../../../src/backend/postgres/event-announcer.js";

/** A sender whose every call waits until the test lets it finish, recording what each call carried. */
function heldSender() {
  const calls: Array<{ payloads: string[]; finish: (error?: Error) => void }> = [];
  const send = (payloads: string[]): Promise<void> =>
    new Promise((resolve, reject) => {
      calls.push({ payloads, finish: (error) => (error ? reject(error) : resolve()) });
    });
  return { calls, send };
}

/** Lets pending promise callbacks run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("EventAnnouncer", () => {
  it("sends one batch at a time, in order, and what arrives meanwhile goes together in the next", async () => {
    const { calls, send } = heldSender();
    const announcer = new EventAnnouncer(send, () => undefined);
    announcer.announce(["a"]);
    announcer.announce(["b"]);
    announcer.announce(["c", "d"]);
    expect(calls.map((call) => call.payloads)).toEqual([["a"]]);
    calls[0]!.finish();
    await settle();
    expect(calls.map((call) => call.payloads)).toEqual([["a"], ["b", "c", "d"]]);
    calls[1]!.finish();
    await settle();
    expect(calls).toHaveLength(2);
  });

  it("sent() waits for what was announced before it, not for what comes after", async () => {
    const { calls, send } = heldSender();
    const announcer = new EventAnnouncer(send, () => undefined);
    let firstSent = false;
    announcer.announce(["a"]);
    void announcer.sent().then(() => (firstSent = true));
    announcer.announce(["b"]);
    calls[0]!.finish();
    await settle();
    // "b" is in flight now; the wait that began before it is over.
    expect(firstSent).toBe(true);
    let secondSent = false;
    void announcer.sent().then(() => (secondSent = true));
    await settle();
    expect(secondSent).toBe(false);
    calls[1]!.finish();
    await settle();
    expect(secondSent).toBe(true);
    await expect(announcer.sent()).resolves.toBeUndefined();
  });

  it("a failed send is reported, ends the wait for it, and later events still go", async () => {
    const { calls, send } = heldSender();
    const errors: unknown[] = [];
    const announcer = new EventAnnouncer(send, (error) => errors.push(error));
    announcer.announce(["a"]);
    const waited = announcer.sent();
    calls[0]!.finish(new Error("connection lost"));
    await waited;
    expect(errors).toEqual([new Error("connection lost")]);
    announcer.announce(["b"]);
    expect(calls.map((call) => call.payloads)).toEqual([["a"], ["b"]]);
  });

  it("nothing to announce sends nothing", async () => {
    const { calls, send } = heldSender();
    const announcer = new EventAnnouncer(send, () => undefined);
    announcer.announce([]);
    await announcer.sent();
    expect(calls).toHaveLength(0);
  });
});
