// PostgreSQL store options: the public shape, the defaults in one place, and one strict schema that validates
// them once, at construction, into a frozen resolved form. It accepts what postgresUrlOptions reads from a
// `postgres://` URL ({ url, schema?, connectTimeoutMs? }), so createBackend's options pass unchanged.
import type pg from "pg";
import { z } from "zod";
import { systemClock, type Clock } from "../../core/clock.js";
import { closestName } from "../../core/closest-name.js";
import { redactUrl } from "../../core/redact-url.js";
import { zodIssueMessage } from "../../core/zod-message.js";
import { ValidationError } from "../../errors/warren-error.js";
import { defaultLogger } from "../../logging/default-logger.js";
import type { Logger } from "../../logging/logger.js";
import { loggerOption } from "../../logging/logger-option.js";
import { troubleReporter } from "../../logging/trouble-reporter.js";
import { assertDriverUrl, backendScheme } from "../url-options.js";

/** Options for {@link PostgresStore} and PostgresBackend. */
export interface PostgresStoreOptions {
  /** `postgres://user:pass@host:5432/db`. @defaultValue "postgres://postgres@127.0.0.1:5432/postgres" */
  url?: string;
  /**
   * A pg Pool to use instead of `url` (its connection settings are reused for the LISTEN connection; `poolSize`,
   * `applicationName` and `connectTimeoutMs` are then the pool's own). @defaultValue none: one is made from `url`
   */
  pool?: pg.Pool;
  /**
   * A connection string that reaches PostgreSQL itself, for the connections that need a session of their own:
   * the LISTEN connection (wake-ups and events) and the migration lock. Set it when `url` (or `pool`) goes
   * through a pooler in transaction mode (PgBouncer, Supavisor), where LISTEN hears nothing and a session lock
   * can outlive its caller. @defaultValue none: those connections use `url` (or the pool's settings)
   */
  directUrl?: string;
  /** Schema holding Warren's tables, a lower-case SQL identifier. @defaultValue "warren" */
  schema?: string;
  /** Pool size when the backend creates the pool. @defaultValue 10 */
  poolSize?: number;
  /** `application_name` of every connection, so operators can tell them apart. @defaultValue "warren" */
  applicationName?: string;
  /** Clock for every timestamp. @defaultValue the system clock */
  clock?: Clock;
  /**
   * Run queries as named prepared statements, parsed and planned once per connection. Turn off behind a
   * connection pooler in transaction mode that does not track them (PgBouncer before 1.21). @defaultValue true
   */
  preparedStatements?: boolean;
  /** Where the backend logs (any pino-compatible logger). @defaultValue pino to stderr at WARREN_LOG_LEVEL */
  logger?: Logger;
  /**
   * Reports connection trouble (already redacted).
   * @defaultValue a warning through `logger`, at debug when the same trouble repeats within a minute
   */
  onError?: (error: Error) => void;
  /**
   * How long opening a connection may take before the call fails with CONNECT_TIMEOUT (pg's
   * `connectionTimeoutMillis`; with `pool`, the pool's own setting applies). @defaultValue 10000
   */
  connectTimeoutMs?: number;
}

/** PostgresStoreOptions after validation: every default applied, frozen. */
export interface ResolvedPostgresStoreOptions {
  readonly url: string;
  /** The caller's pool, or undefined when the store makes (and owns) one from `url`. */
  readonly pool: pg.Pool | undefined;
  readonly directUrl: string | undefined;
  readonly schema: string;
  readonly poolSize: number;
  readonly applicationName: string;
  readonly clock: Clock;
  readonly preparedStatements: boolean;
  readonly logger: Logger;
  readonly onError: (error: Error) => void;
  readonly connectTimeoutMs: number;
}

/** See {@link PostgresStoreOptions.connectTimeoutMs}. */
export const DEFAULT_POSTGRES_CONNECT_TIMEOUT_MS = 10_000;

/** What an option left out becomes (see each field of {@link PostgresStoreOptions}). */
export const POSTGRES_STORE_DEFAULTS: Readonly<
  Omit<ResolvedPostgresStoreOptions, "pool" | "directUrl" | "onError">
> = Object.freeze({
  url: "postgres://postgres@127.0.0.1:5432/postgres",
  schema: "warren",
  poolSize: 10,
  applicationName: "warren",
  clock: systemClock,
  preparedStatements: true,
  logger: defaultLogger(),
  connectTimeoutMs: DEFAULT_POSTGRES_CONNECT_TIMEOUT_MS,
});

/** A name PostgreSQL takes unquoted: what the schema may be, so it is safe to put in SQL text. */
const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

const optionsSchema = z.strictObject(
  {
    url: z.string({ error: "url must be a postgres:// connection string" }).optional(),
    pool: z
      .custom<pg.Pool>(
        (value) =>
          typeof value === "object" &&
          value !== null &&
          typeof (value as Partial<pg.Pool>).connect === "function" &&
          typeof (value as Partial<pg.Pool>).on === "function",
        { error: "pool must be a pg.Pool (new pg.Pool({ connectionString }))" },
      )
      .optional(),
    schema: z
      .string({ error: "schema must be a string" })
      .regex(SQL_IDENTIFIER, {
        error:
          'schema must be a lower-case SQL identifier: letters a-z, digits and "_", not starting with a ' +
          "digit, at most 63 characters",
      })
      .optional(),
    poolSize: z
      .number({ error: "poolSize must be a number" })
      .int({ error: "poolSize must be a whole number" })
      .min(1, { error: "poolSize must be at least 1" })
      .optional(),
    applicationName: z.string({ error: "applicationName must be a string" }).optional(),
    clock: z
      .custom<Clock>(
        (value) =>
          typeof value === "object" &&
          value !== null &&
          typeof (value as Partial<Clock>).now === "function" &&
          typeof (value as Partial<Clock>).sleep === "function",
        { error: "clock must be a Clock { now(), sleep(ms, signal?) }" },
      )
      .optional(),
    preparedStatements: z.boolean({ error: "preparedStatements must be true or false" }).optional(),
    logger: loggerOption,
    onError: z
      .custom<(error: Error) => void>((value) => typeof value === "function", {
        error: "onError must be a function (error) => void",
      })
      .optional(),
    connectTimeoutMs: z
      .number({ error: "connectTimeoutMs must be a number of ms" })
      .int({ error: "connectTimeoutMs must be a whole number of ms" })
      .min(1, { error: "connectTimeoutMs must be at least 1 ms" })
      .optional(),
    directUrl: z.string({ error: "directUrl must be a postgres:// connection string" }).optional(),
  },
  { error: "PostgreSQL options must be an object such as { url, schema }" },
);

const OPTION_NAMES = Object.keys(optionsSchema.shape);

/**
 * Validates PostgresStore options once, at construction: an unknown key, a wrong type or a bad schema name
 * is a ValidationError INVALID_OPTION; a `url` with parameters pg does not read is INVALID_URL.
 */
export function resolvePostgresStoreOptions(
  options: PostgresStoreOptions = {},
): ResolvedPostgresStoreOptions {
  const result = optionsSchema.safeParse(options);
  if (!result.success) throw invalidOption(result.error, options);
  const url = options.url ?? POSTGRES_STORE_DEFAULTS.url;
  if (options.pool === undefined) assertDriverUrl(url, "postgres", "PostgresBackend");
  if (options.directUrl !== undefined) {
    if (backendScheme(options.directUrl) !== "postgres") {
      throw new ValidationError(
        "INVALID_URL",
        `directUrl ${redactUrl(options.directUrl)} is not a postgres:// connection string; give the URL that ` +
          `reaches PostgreSQL itself, not the pooler (postgres://user@db-host:5432/db)`,
        { details: { option: "directUrl" } },
      );
    }
    assertDriverUrl(options.directUrl, "postgres", "PostgresBackend");
  }
  const logger = options.logger ?? POSTGRES_STORE_DEFAULTS.logger;
  return Object.freeze({
    url,
    pool: options.pool,
    directUrl: options.directUrl,
    schema: options.schema ?? POSTGRES_STORE_DEFAULTS.schema,
    poolSize: options.poolSize ?? POSTGRES_STORE_DEFAULTS.poolSize,
    applicationName: options.applicationName ?? POSTGRES_STORE_DEFAULTS.applicationName,
    clock: options.clock ?? POSTGRES_STORE_DEFAULTS.clock,
    preparedStatements: options.preparedStatements ?? POSTGRES_STORE_DEFAULTS.preparedStatements,
    logger,
    onError: options.onError ?? troubleReporter(logger.child({ backend: "postgres" })),
    connectTimeoutMs: options.connectTimeoutMs ?? POSTGRES_STORE_DEFAULTS.connectTimeoutMs,
  });
}

/** The refusal: names the option and what to fix; an unknown key also gets the closest known name. */
function invalidOption(error: z.ZodError, options: unknown): ValidationError {
  const issue = error.issues[0];
  if (issue?.code === "unrecognized_keys") {
    const unknown = issue.keys.map((key) => {
      const guess = closestName(key, OPTION_NAMES);
      return guess === undefined ? key : `${key} (did you mean ${guess}?)`;
    });
    return new ValidationError(
      "INVALID_OPTION",
      `PostgreSQL options have unknown key${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; ` +
        `fix or remove ${unknown.length > 1 ? "them" : "it"} (known: ${OPTION_NAMES.join(", ")})`,
      { details: { options: issue.keys, known: OPTION_NAMES } },
    );
  }
  return new ValidationError(
    "INVALID_OPTION",
    `invalid PostgreSQL options: ${zodIssueMessage(error, options)}`,
    {
      details: { option: issue?.path.map(String).join(".") },
    },
  );
}
