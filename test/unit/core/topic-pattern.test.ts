import { describe, expect, it } from "vitest";
import { assertQueueName, assertQueuePattern, matchesTopic } from "../../../src/core/topic-pattern.js";

describe("matchesTopic", () => {
  it.each([
    ["email", "email", true],
    ["email", "email.welcome", false],
    ["email.*", "email.welcome", true],
    ["email.*", "email", false],
    ["email.*", "email.welcome.vip", false],
    ["email.#", "email", true],
    ["email.#", "email.welcome.vip", true],
    ["#", "anything.at.all", true],
    ["*.welcome", "email.welcome", true],
    ["*.welcome", "sms.reset", false],
    ["a.#.z", "a.z", true],
    ["a.#.z", "a.b.c.z", true],
    ["a.#.z", "a.b.c", false],
  ])("%s matches %s: %s", (pattern, name, expected) => {
    expect(matchesTopic(pattern, name)).toBe(expected);
  });
});

describe("queue names", () => {
  it("accepts dot-separated words", () => {
    expect(() => assertQueueName("email.welcome_v2-x")).not.toThrow();
  });

  it.each(["", "a b", "a..b", ".a", "a:b", "email.*", "x".repeat(201)])("rejects %j", (name) => {
    expect(() => assertQueueName(name)).toThrow(expect.objectContaining({ code: "INVALID_QUEUE_NAME" }));
  });

  it("accepts wildcards only in patterns", () => {
    expect(() => assertQueuePattern("email.*")).not.toThrow();
    expect(() => assertQueuePattern("reports.#")).not.toThrow();
    expect(() => assertQueuePattern("email.we*")).toThrow(/pattern/);
  });
});
