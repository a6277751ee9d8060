import { describe, expect, it } from "vitest";
import { redactedCause, redactText } from "../../../src/core/redacted-cause.js";

describe("redactedCause", () => {
  it("keeps name, message and a string code, and nothing a driver attached", () => {
    const raw = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6390"), {
      code: "ECONNREFUSED",
      command: { args: ["AUTH", "hunter2"] },
    });
    raw.name = "ReplyError";
    const cause = redactedCause(raw, "hunter2");
    expect(cause.message).toBe("connect ECONNREFUSED 127.0.0.1:6390");
    expect(cause.name).toBe("ReplyError");
    expect(cause).toHaveProperty("code", "ECONNREFUSED");
    expect(cause).not.toHaveProperty("command");
  });

  it("redacts URLs and the password in the message", () => {
    expect(redactText("failed for redis://:hunter2@h:6379/0 with hunter2", "hunter2")).toBe(
      "failed for redis://:***@h:6379/0 with ***",
    );
  });

  it("wraps non-Error values", () => {
    expect(redactedCause("plain").message).toBe("plain");
  });
});
