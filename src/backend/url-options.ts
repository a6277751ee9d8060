// Backend URLs → backend options. Each scheme has a closed set of query parameters: Warren's own (taken out
// here) and the driver's (left in the URL for it). Anything else is refused, naming the known ones: a typo such
// as `?prefx=` used to be ignored, so two processes silently used different keys. What a URL gives is named as
// its backend's option (`connectTimeout` → `connectTimeoutMs`); no default is applied here, the backend's own
// options apply them.
import { closestName } from "../core/closest-name.js";
import { redactUrl } from "../core/redact-url.js";
import { ValidationError } from "../errors/warren-error.js";

/** The schemes whose URLs carry options. */
export type BackendScheme = "memory" | "redis" | "postgres" | "amqp";

/** Parameters Warren reads itself, by scheme. */
export const WARREN_URL_PARAMS: Readonly<Record<BackendScheme, readonly string[]>> = {
  memory: [],
  redis: ["prefix", "connectTimeout"],
  postgres: ["schema", "directUrl", "connectTimeout", "connect_timeout"],
  amqp: ["store", "connectTimeout"],
};

/**
 * Parameters the driver reads from the URL, by scheme. ioredis would take any parameter as a client option
 * (`?maxRetriesPerRequest=` as a string), so none pass on Redis: pass a configured `client` instead.
 */
export const DRIVER_URL_PARAMS: Readonly<Record<BackendScheme, readonly string[]>> = {
  memory: [],
  redis: [],
  postgres: [
    "host",
    "port",
    "user",
    "password",
    "application_name",
    "fallback_application_name",
    "options",
    "client_encoding",
    "ssl",
    "sslmode",
    "sslcert",
    "sslkey",
    "sslrootcert",
    "sslnegotiation",
    "uselibpqcompat",
    "statement_timeout",
    "lock_timeout",
    "idle_in_transaction_session_timeout",
    "query_timeout",
  ],
  amqp: ["heartbeat", "frameMax", "channelMax", "locale", "maxFrameSize"],
};

/** Options read from a `redis://` URL (or a `redis+cluster://` one). */
export interface RedisUrlOptions {
  /** The URL for ioredis, without Warren's parameters (none for a cluster). */
  url?: string;
  /** `redis+cluster://[user:pass@]host:port,host:port/`: the cluster's seed nodes and credentials. */
  cluster?: { nodes: string[]; username?: string; password?: string };
  /** `?prefix=`: the key prefix. */
  prefix?: string;
  /** `?connectTimeout=` (ms). */
  connectTimeoutMs?: number;
}

/** Options read from a `postgres://` URL. */
export interface PostgresUrlOptions {
  /** The URL for pg, without Warren's parameters. */
  url: string;
  /** `?schema=`: the schema holding Warren's tables. */
  schema?: string;
  /** `?directUrl=`: see PostgresStoreOptions.directUrl. */
  directUrl?: string;
  /** `?connectTimeout=` (ms), or libpq's `?connect_timeout=` (s) converted to ms. */
  connectTimeoutMs?: number;
}

/** Options read from an `amqp://…?store=…` URL. */
export interface AmqpUrlOptions {
  /** The URL for amqplib, without Warren's parameters. */
  url: string;
  /** `?store=`: the job store's URL. */
  storeUrl: string;
  /** `?connectTimeout=` (ms). */
  connectTimeoutMs?: number;
}

const MS_PER_SECOND = 1_000;

/** The scheme of `url` as Warren groups them (`rediss` → redis, `postgresql` → postgres), or undefined. */
export function backendScheme(url: string): BackendScheme | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case "memory":
      return "memory";
    case "redis":
    case "rediss":
    case "redis+cluster":
      return "redis";
    case "postgres":
    case "postgresql":
      return "postgres";
    case "amqp":
    case "amqps":
      return "amqp";
    default:
      return undefined;
  }
}

/** Refuses any parameter of a `memory://` URL: the memory backend has no settings in its URL. */
export function memoryUrlOptions(target: string): void {
  takeWarrenParams(parse(target), "memory", target);
}

/**
 * `redis://[user:pass@]host:port/db?prefix=&connectTimeout=`. The db must be a non-negative integer. Or a Redis
 * Cluster: `redis+cluster://[user:pass@]host:port,host:port/?prefix=&connectTimeout=` (any of its nodes).
 */
export function redisUrlOptions(target: string): RedisUrlOptions {
  if (/^redis\+cluster:/i.test(target)) return redisClusterUrlOptions(target);
  const url = parse(target);
  const params = takeWarrenParams(url, "redis", target);
  const db = url.pathname.replace(/^\//, "");
  if (db !== "" && !/^\d+$/.test(db)) {
    throw new ValidationError(
      "INVALID_URL",
      `${quoted(target)} names database ${JSON.stringify(db)}; a Redis database is a number (redis://host:6379/0)`,
      { details: { db } },
    );
  }
  return {
    url: url.toString(),
    ...(params.get("prefix") === undefined ? {} : { prefix: params.get("prefix")! }),
    ...connectTimeout(target, params),
  };
}

/** `redis+cluster://[user:pass@]host:port[,host:port…][/][?prefix=&connectTimeout=]`; WHATWG URL takes one host. */
const CLUSTER_URL = /^redis\+cluster:\/\/(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?(\?[^#]*)?$/i;
/** `host:port` or `[v6]:port`. */
const CLUSTER_NODE = /^(?:\[[0-9A-Fa-f:.]+\]|[^\s:/?#@[\]]+):(\d{1,5})$/;

function redisClusterUrlOptions(target: string): RedisUrlOptions {
  const match = CLUSTER_URL.exec(target);
  const nodes = (match?.[2] ?? "").split(",").filter((node) => node !== "");
  if (!match || nodes.length === 0) {
    throw new ValidationError(
      "INVALID_URL",
      `${quoted(target)} is not a cluster URL; name its nodes: redis+cluster://host:7000,host:7001/?prefix=…`,
    );
  }
  for (const node of nodes) {
    const port = Number(CLUSTER_NODE.exec(node)?.[1] ?? 0);
    if (port < 1 || port > 65_535) {
      throw new ValidationError(
        "INVALID_URL",
        `${quoted(target)} names node ${JSON.stringify(node)}; each node is host:port (port 1–65535), such as ` +
          `127.0.0.1:7000`,
        { details: { node } },
      );
    }
  }
  const path = match[3] ?? "";
  if (path !== "" && path !== "/" && path !== "/0") {
    throw new ValidationError(
      "INVALID_URL",
      `${quoted(target)} names database ${JSON.stringify(path.slice(1))}; a Redis Cluster has database 0 only`,
      { details: { db: path.slice(1) } },
    );
  }
  const params = takeWarrenParams(parse(`redis://cluster/${match[4] ?? ""}`), "redis", target);
  const [user = "", password] = (match[1] ?? "").split(/:(.*)/s, 2);
  return {
    cluster: {
      nodes,
      ...(user === "" ? {} : { username: decodeURIComponent(user) }),
      ...(password === undefined ? {} : { password: decodeURIComponent(password) }),
    },
    ...(params.get("prefix") === undefined ? {} : { prefix: params.get("prefix")! }),
    ...connectTimeout(target, params),
  };
}

/**
 * `postgres://user:pass@host:5432/db?schema=&directUrl=&connectTimeout=` (or libpq's `connect_timeout`, in
 * seconds); `directUrl` is URL-encoded, like amqp's `store`.
 */
export function postgresUrlOptions(target: string): PostgresUrlOptions {
  const url = parse(target);
  const params = takeWarrenParams(url, "postgres", target);
  const seconds = params.get("connect_timeout");
  if (seconds !== undefined && params.has("connectTimeout")) {
    throw new ValidationError(
      "INVALID_URL",
      `${quoted(target)} sets both connectTimeout (ms) and connect_timeout (s); keep one`,
    );
  }
  const timeout =
    seconds === undefined
      ? connectTimeout(target, params)
      : { connectTimeoutMs: positiveInteger(target, "connect_timeout", seconds) * MS_PER_SECOND };
  return {
    url: url.toString(),
    ...(params.get("schema") === undefined ? {} : { schema: params.get("schema")! }),
    ...(params.get("directUrl") === undefined ? {} : { directUrl: params.get("directUrl")! }),
    ...timeout,
  };
}

/**
 * `amqp://user:pass@host:5672/vhost?store=<store url>&connectTimeout=`. The store is required: RabbitMQ only
 * carries deliveries, and a job store that processes do not share (a defaulted memory store) made a job added
 * in one process reach a worker in another that had never heard of it, so it stayed waiting forever.
 */
export function amqpUrlOptions(target: string): AmqpUrlOptions {
  const url = parse(target);
  const params = takeWarrenParams(url, "amqp", target);
  const storeUrl = params.get("store");
  if (storeUrl === undefined) {
    throw new ValidationError(
      "INVALID_URL",
      `${quoted(target)} names no job store. RabbitMQ only delivers jobs; their state lives in a store that ` +
        `every producer and worker must share: add ?store=redis://host:6379/0 or ?store=postgres://host/db ` +
        `(URL-encoded if it has parameters of its own). ?store=memory:// keeps state inside this one process: ` +
        `use it only when producers and workers all run in it`,
    );
  }
  return { url: url.toString(), storeUrl, ...connectTimeout(target, params) };
}

/** The URL a backend constructor takes, as its error messages name it. */
const DRIVER_URL_FORMS: Record<BackendScheme, string> = {
  memory: "memory://",
  redis: "redis:// (or rediss://)",
  postgres: "postgres:// (or postgresql://)",
  amqp: "amqp:// (or amqps://)",
};

/**
 * Refuses a driver URL (what a backend constructor receives) of another scheme, and parameters it must not
 * carry: anything but the driver's own, with a pointer to the option when it is one of Warren's.
 */
export function assertDriverUrl(target: string, scheme: BackendScheme, backend: string): void {
  const given = backendScheme(target);
  if (given !== scheme) {
    // Without this, the driver dialled the other server and failed with its protocol's confusion, or hung.
    throw new ValidationError(
      "INVALID_URL",
      `${backend} needs a ${DRIVER_URL_FORMS[scheme]} URL; got ${redactUrl(target)}` +
        (given ? `, a ${given} URL: createBackend(url) picks the backend from the URL` : ""),
      { details: { expected: scheme, got: given ?? null } },
    );
  }
  const url = parse(target);
  const allowed = DRIVER_URL_PARAMS[scheme];
  for (const name of new Set(url.searchParams.keys())) {
    if (allowed.includes(name)) continue;
    if (WARREN_URL_PARAMS[scheme].includes(name)) {
      throw new ValidationError(
        "INVALID_URL",
        `${backend} got ?${name}= in its url (${redactUrl(target)}); pass it as an option, or give the URL to ` +
          `createBackend, which reads it`,
        { details: { parameter: name } },
      );
    }
    throw unknownParameter(target, name, scheme);
  }
}

/** Removes Warren's parameters from `url` and returns them; refuses unknown and repeated ones. */
function takeWarrenParams(url: URL, scheme: BackendScheme, target: string): Map<string, string> {
  const own = WARREN_URL_PARAMS[scheme];
  const taken = new Map<string, string>();
  for (const name of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(name);
    if (values.length > 1) {
      throw new ValidationError(
        "INVALID_URL",
        `${quoted(target)} sets ?${name}= ${values.length} times; set it once`,
        { details: { parameter: name } },
      );
    }
    if (DRIVER_URL_PARAMS[scheme].includes(name)) continue;
    if (!own.includes(name)) throw unknownParameter(target, name, scheme);
    if (values[0] === "") {
      throw new ValidationError("INVALID_URL", `${quoted(target)} has an empty ?${name}=; give it a value`, {
        details: { parameter: name },
      });
    }
    taken.set(name, values[0]!);
    url.searchParams.delete(name);
  }
  return taken;
}

function unknownParameter(target: string, name: string, scheme: BackendScheme): ValidationError {
  const own = WARREN_URL_PARAMS[scheme];
  const driver = DRIVER_URL_PARAMS[scheme];
  const known = [...own, ...driver];
  const guess = closestName(name, known);
  const hint = guess === undefined ? "" : `; did you mean ?${guess}=`;
  const list =
    known.length === 0
      ? `${scheme}:// URLs take no parameters`
      : `known: ${own.join(", ")}` + (driver.length === 0 ? "" : `; for the driver: ${driver.join(", ")}`);
  return new ValidationError(
    "INVALID_URL",
    `${quoted(target)} has an unknown parameter ?${name}=${hint} (${list})`,
    { details: { parameter: name, known, ...(guess === undefined ? {} : { suggestion: guess }) } },
  );
}

function connectTimeout(target: string, params: Map<string, string>): { connectTimeoutMs?: number } {
  const value = params.get("connectTimeout");
  return value === undefined ? {} : { connectTimeoutMs: positiveInteger(target, "connectTimeout", value) };
}

function positiveInteger(target: string, name: string, value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number <= 0) {
    throw new ValidationError(
      "INVALID_URL",
      `${quoted(target)} has ?${name}=${value}; it must be a positive whole number`,
      { details: { parameter: name, value } },
    );
  }
  return number;
}

function parse(target: string): URL {
  try {
    return new URL(target);
  } catch {
    throw new ValidationError("INVALID_URL", `${quoted(target)} is not a URL (scheme://host:port/…)`);
  }
}

function quoted(target: string): string {
  return JSON.stringify(redactUrl(target));
}
