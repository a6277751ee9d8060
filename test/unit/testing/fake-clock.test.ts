import { describe, expect, it } from "vitest";
import { FakeClock } from "../../../src/testing/index.js";

const T0 = Date.UTC(2026, 0, 1);

describe("FakeClock", () => {
  it("stands still until advanced or set, and never moves backwards", () => {
    const clock = new FakeClock(T0);
    expect(clock.now()).toBe(T0);
    clock.advance(250);
    expect(clock.now()).toBe(T0 + 250);
    clock.set(T0 + 1000);
    clock.set(T0);
    expect(clock.now()).toBe(T0 + 1000);
  });

  it("wakes a sleep only once its time is reached, and a sleep of 0 at once", async () => {
    const clock = new FakeClock(T0);
    let woke = false;
    const sleeping = clock.sleep(100).then(() => (woke = true));
    clock.advance(99);
    await Promise.resolve();
    expect(woke).toBe(false);
    expect(clock.pendingSleeps).toBe(1);
    clock.advance(1);
    await sleeping;
    expect(woke).toBe(true);
    expect(clock.pendingSleeps).toBe(0);
    await clock.sleep(0);
  });

  it("an advance past several sleeps wakes them earliest first, ties in the order they slept", async () => {
    const clock = new FakeClock(T0);
    const order: string[] = [];
    const sleeps = [
      clock.sleep(300).then(() => order.push("300")),
      clock.sleep(100).then(() => order.push("100 first")),
      clock.sleep(200).then(() => order.push("200")),
      clock.sleep(100).then(() => order.push("100 second")),
      clock.sleep(400).then(() => order.push("400")),
    ];
    clock.advance(300);
    await Promise.all(sleeps.slice(0, 4));
    expect(order).toEqual(["100 first", "100 second", "200", "300"]);
    expect(clock.pendingSleeps).toBe(1);
    clock.advance(100);
    await sleeps[4];
  });

  it("an aborted sleep rejects with the signal's reason and no longer counts as pending", async () => {
    const clock = new FakeClock(T0);
    const controller = new AbortController();
    const sleeping = clock.sleep(1000, controller.signal);
    expect(clock.pendingSleeps).toBe(1);
    controller.abort(new Error("closing"));
    await expect(sleeping).rejects.toThrow("closing");
    expect(clock.pendingSleeps).toBe(0);
    await expect(clock.sleep(10, controller.signal)).rejects.toThrow("closing");
  });

  it("whenSleeping resolves once that many sleeps are pending", async () => {
    const clock = new FakeClock(T0);
    let two = false;
    const parked = clock.whenSleeping(2).then(() => (two = true));
    void clock.sleep(50);
    await Promise.resolve();
    expect(two).toBe(false);
    void clock.sleep(60);
    await parked;
    expect(two).toBe(true);
    await clock.whenSleeping(1);
    clock.advance(60);
  });
});
