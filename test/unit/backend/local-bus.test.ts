import { describe, expect, it } from "vitest";
import { LocalBus } from "../../../src/backend/local-bus.js";

describe("LocalBus", () => {
  it("delivers to every subscription whose pattern matches the topic, in the order they subscribed", () => {
    const bus = new LocalBus();
    const got: string[] = [];
    void bus.subscribe("user.*", (topic, message) => got.push(`star ${topic} ${message}`));
    void bus.subscribe("user.created", (topic, message) => got.push(`exact ${topic} ${message}`));
    void bus.subscribe("#", (topic, message) => got.push(`hash ${topic} ${message}`));
    void bus.subscribe("order.*", (topic, message) => got.push(`order ${topic} ${message}`));
    bus.dispatch("user.created", "1");
    expect(got).toEqual(["star user.created 1", "exact user.created 1", "hash user.created 1"]);
  });

  it("a throwing listener is reported with its delivery and keeps no other listener from it", () => {
    const errors: Array<[string, string, string]> = [];
    const bus = new LocalBus((error, topic, message) =>
      errors.push([(error as Error).message, topic, message]),
    );
    const got: string[] = [];
    void bus.subscribe("a", () => {
      throw new Error("broke");
    });
    void bus.subscribe("a", (_topic, message) => got.push(message));
    bus.dispatch("a", "m");
    expect(got).toEqual(["m"]);
    expect(errors).toEqual([["broke", "a", "m"]]);
  });

  it("a listener removed by an earlier one during a delivery gets nothing more, that delivery included", async () => {
    const bus = new LocalBus();
    const got: string[] = [];
    void bus.subscribe("a", () => void unsubscribeLater());
    const unsubscribeLater = bus.subscribe("a", (_topic, message) => got.push(message));
    bus.dispatch("a", "first");
    bus.dispatch("a", "second");
    expect(got).toEqual([]);
    await unsubscribeLater();
    expect(bus.size).toBe(1);
  });

  it("a listener that unsubscribes itself during a delivery still gets that one and nothing after", () => {
    const bus = new LocalBus();
    const got: string[] = [];
    const unsubscribe = bus.subscribe("a", (_topic, message) => {
      got.push(message);
      void unsubscribe();
    });
    bus.dispatch("a", "first");
    bus.dispatch("a", "second");
    expect(got).toEqual(["first"]);
  });

  it("a subscription made during a delivery starts with the next message", () => {
    const bus = new LocalBus();
    const got: string[] = [];
    let subscribed = false;
    void bus.subscribe("a", () => {
      if (subscribed) return;
      subscribed = true;
      void bus.subscribe("a", (_topic, message) => got.push(message));
    });
    bus.dispatch("a", "first");
    bus.dispatch("a", "second");
    expect(got).toEqual(["second"]);
  });

  it("a listener that subscribes again on every message gets each message once and never loops", () => {
    const bus = new LocalBus();
    const got: string[] = [];
    const listener = (_topic: string, message: string): void => {
      got.push(message);
      void unsubscribe();
      unsubscribe = bus.subscribe("a", listener);
    };
    let unsubscribe = bus.subscribe("a", listener);
    bus.dispatch("a", "first");
    bus.dispatch("a", "second");
    expect(got).toEqual(["first", "second"]);
    expect(bus.size).toBe(1);
  });

  it("publish delivers after the current call stack, to the subscriptions made before it", async () => {
    const bus = new LocalBus();
    const got: string[] = [];
    void bus.subscribe("a", (_topic, message) => got.push(`early ${message}`));
    bus.publish("a", "m");
    void bus.subscribe("a", (_topic, message) => got.push(`late ${message}`));
    expect(got).toEqual([]);
    await Promise.resolve();
    expect(got).toEqual(["early m"]);
  });

  it("publish reaches no subscription removed before the delivery ran", async () => {
    const bus = new LocalBus();
    const got: string[] = [];
    const unsubscribe = bus.subscribe("a", (_topic, message) => got.push(message));
    bus.publish("a", "m");
    await unsubscribe();
    await Promise.resolve();
    expect(got).toEqual([]);
  });

  it("clear removes every subscription, even from a delivery under way", () => {
    const bus = new LocalBus<{ n: number }>();
    const got: number[] = [];
    void bus.subscribe("a", () => bus.clear());
    void bus.subscribe("a", (_topic, message) => got.push(message.n));
    bus.dispatch("a", { n: 1 });
    expect(got).toEqual([]);
    expect(bus.size).toBe(0);
    expect(bus.patterns()).toEqual([]);
  });

  it("patterns lists the pattern of each subscription", () => {
    const bus = new LocalBus();
    void bus.subscribe("a.*", () => undefined);
    void bus.subscribe("b", () => undefined);
    void bus.subscribe("a.*", () => undefined);
    expect(bus.patterns()).toEqual(["a.*", "b", "a.*"]);
  });
});
