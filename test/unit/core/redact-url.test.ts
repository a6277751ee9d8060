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

describe("redactUrl keeps what the user typed", () => {
  it("does not percent-encode characters it leaves alone", () => {
    expect(redactUrl("amqp://u:p@host…")).toBe("amqp://u:***@host…");
    expect(redactUrl("redis://127.0.0.1:6379/0")).toBe("redis://127.0.0.1:6379/0");
  });

  it("redacts a nested store URL in the encoding it came in", () => {
    expect(redactUrl("amqp://h?store=redis://:pw@r:6379/0&x=1")).toBe(
      "amqp://h?store=redis://:***@r:6379/0&x=1",
    );
    expect(redactUrl("amqp://h?store=redis%3A%2F%2F%3Apw%40r")).toBe(
      `amqp://h?store=${encodeURIComponent("redis://:***@r")}`,
    );
  });

  it("hides a secret query value and keeps the others", () => {
    expect(redactUrl("postgres://h/db?sslmode=require&password=hunter2")).toBe(
      "postgres://h/db?sslmode=require&password=***",
    );
  });
});
