// The default onError: connection trouble warns once, and repeats within a minute drop to debug.
import { describe, expect, it } from "vitest";
import { troubleReporter } from "../../../src/logging/trouble-reporter.js";
import { BackendUnavailableError } from "../../../src/index.js";
import { recordingLogger } from "../../helpers/recording-logger.js";

describe("troubleReporter", () => {
  it("warns on new trouble, logs a repeat within a minute at debug, and warns again after it", () => {
    const logger = recordingLogger();
    let now = 1_000_000;
    const report = troubleReporter(logger, "warn", () => now);
    const lost = new BackendUnavailableError("lost the Redis connection to 127.0.0.1:6379");
    report(lost);
    now += 30_000;
    report(lost);
    report(new Error("something else"));
    now += 31_000;
    report(lost);
    expect(logger.records.map((record) => [record.level, record.message])).toEqual([
      ["warn", lost.message],
      ["debug", lost.message],
      ["warn", "something else"],
      ["warn", lost.message],
    ]);
    expect(logger.records[0]!.fields["err"]).toBe(lost);
  });

  it("logs at the level it is given", () => {
    const logger = recordingLogger();
    troubleReporter(logger, "error")(new Error("a processor-free failure"));
    expect(logger.records[0]!.level).toBe("error");
  });
});
