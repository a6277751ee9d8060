import { describe, expect, it } from "vitest";
import { redactUrl } from "../../../src/core/redact-url.js";

describe("redactUrl", () => {
  it("hides the password and keeps the rest", () => {
    expect(redactUrl("amqp://guest:secret@127.0.0.1:5672/vh")).toBe("amqp://guest:***@127.0.0.1:5672/vh");
  });

  it("hides passwords of nested store URLs", () => {
    const out = redactUrl("amqp://u:p1@h/?store=redis%3A%2F%2F%3Ap2%40r%3A6379");
    expect(out).not.toMatch(/p1|p2/);
  });

  it("hides secret-looking query parameters", () => {
    expect(redactUrl("postgres://h/db?password=hunter2")).not.toContain("hunter2");
  });

  it("hides credentials of unparseable URLs", () => {
    expect(redactUrl("not a url //user:pw@host")).toBe("not a url //***@host");
  });
});
