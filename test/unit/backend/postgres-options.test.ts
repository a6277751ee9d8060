import { describe, expect, it } from "vitest";
import {
  POSTGRES_STORE_DEFAULTS,
  resolvePostgresStoreOptions,
  type PostgresStoreOptions,
} from "../../../src/backend/postgres/postgres-options.js";
import { PostgresStore } from "../../../src/backend/postgres/index.js";
import { postgresUrlOptions } from "../../../src/backend/url-options.js";
import { FakeClock } from "../../../src/testing/index.js";
import { ValidationError } from "../../../src/errors/index.js";
import { recordingLogger } from "../../helpers/recording-logger.js";

/** The ValidationError `resolve` throws (the test fails if it throws nothing or something else). */
function refusal(resolve: () => unknown, code = "INVALID_OPTION"): ValidationError {
  try {
    resolve();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe(code);
    return error as ValidationError;
  }
  throw new Error("expected the options to be refused");
}

/** Options as a caller with a typo or a wrong type would pass them, past the type checker. */
function untyped(options: unknown): PostgresStoreOptions {
  return options as PostgresStoreOptions;
}

describe("PostgreSQL store options", () => {
  it("options left out take the documented defaults, frozen", () => {
    const resolved = resolvePostgresStoreOptions();
    // onError defaults to a reporter over the logger, made per store.
    expect(resolved).toEqual({
      ...POSTGRES_STORE_DEFAULTS,
      pool: undefined,
      onError: expect.any(Function) as unknown,
    });
    expect(resolved.url).toBe("postgres://postgres@127.0.0.1:5432/postgres");
    expect(resolved.schema).toBe("warren");
    expect(resolved.poolSize).toBe(10);
    expect(resolved.applicationName).toBe("warren");
    expect(resolved.preparedStatements).toBe(true);
    expect(resolved.connectTimeoutMs).toBe(10_000);
    expect(typeof resolved.clock.now()).toBe("number");
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(POSTGRES_STORE_DEFAULTS)).toBe(true);
  });

  it("options given are kept as given", () => {
    const clock = new FakeClock(1_000);
    const onError = (): void => {};
    const given = {
      url: "postgres://app@db:5432/app?sslmode=require",
      schema: "jobs_2",
      poolSize: 3,
      applicationName: "billing",
      clock,
      preparedStatements: false,
      onError,
      logger: recordingLogger(),
      connectTimeoutMs: 2_500,
    };
    expect(resolvePostgresStoreOptions(given)).toEqual({ ...given, pool: undefined });
  });

  it("accepts what a postgres:// URL gives createBackend", () => {
    const fromUrl = postgresUrlOptions(
      "postgres://app@db:5432/app?schema=jobs&connect_timeout=3&sslmode=require",
    );
    const resolved = resolvePostgresStoreOptions(fromUrl);
    expect(resolved).toMatchObject({ url: "postgres://app@db:5432/app?sslmode=require", schema: "jobs" });
    expect(resolved.connectTimeoutMs).toBe(3_000);
    expect(resolvePostgresStoreOptions(postgresUrlOptions("postgres://db/app")).schema).toBe("warren");
  });

  it("an unknown key is refused with INVALID_OPTION naming it and the option it is likely a typo of", () => {
    const error = refusal(() =>
      resolvePostgresStoreOptions(untyped({ url: "postgres://db/app", poolsize: 4 })),
    );
    expect(error.message).toMatch(/unknown key poolsize \(did you mean poolSize\?\)/);
    expect(error.message).toMatch(/fix or remove it/);
    expect(error.message).toMatch(/known: url, pool, schema, poolSize/);
    expect(error.details).toMatchObject({ options: ["poolsize"] });
  });

  it("an unknown key is refused by the constructors too, before any connection is made", () => {
    const error = refusal(() => new PostgresStore(untyped({ prefix: "app" })));
    expect(error.message).toMatch(/unknown key prefix;/);
  });

  it("a wrong type is refused with INVALID_OPTION naming the option and the value", () => {
    expect(refusal(() => resolvePostgresStoreOptions(untyped({ poolSize: "4" }))).message).toMatch(
      /poolSize must be a number \(got "4"\)/,
    );
    expect(refusal(() => resolvePostgresStoreOptions({ poolSize: 0 })).message).toMatch(
      /poolSize must be at least 1 \(got 0\)/,
    );
    expect(refusal(() => resolvePostgresStoreOptions({ connectTimeoutMs: 2.5 })).message).toMatch(
      /connectTimeoutMs must be a whole number of ms/,
    );
    expect(refusal(() => resolvePostgresStoreOptions(untyped({ preparedStatements: "no" }))).message).toMatch(
      /preparedStatements must be true or false/,
    );
    expect(refusal(() => resolvePostgresStoreOptions(untyped({ onError: "log" }))).message).toMatch(
      /onError must be a function/,
    );
    expect(refusal(() => resolvePostgresStoreOptions(untyped({ pool: {} }))).message).toMatch(
      /pool must be a pg\.Pool/,
    );
    expect(refusal(() => resolvePostgresStoreOptions(untyped({ clock: Date }))).message).toMatch(
      /clock must be a Clock/,
    );
  });

  it("a schema that is not a lower-case SQL identifier is refused with INVALID_OPTION", () => {
    for (const schema of ['x"; DROP TABLE jobs; --', "Warren", "1jobs", "", "a".repeat(64)]) {
      const error = refusal(() => resolvePostgresStoreOptions({ schema }));
      expect(error.message).toMatch(/schema must be a lower-case SQL identifier/);
      expect(error.details).toMatchObject({ option: "schema" });
    }
    expect(resolvePostgresStoreOptions({ schema: `_${"a".repeat(62)}` }).schema).toHaveLength(63);
  });

  it("a url with a parameter pg does not read is refused with INVALID_URL", () => {
    refusal(() => resolvePostgresStoreOptions({ url: "postgres://db/app?schema=jobs" }), "INVALID_URL");
  });
});
