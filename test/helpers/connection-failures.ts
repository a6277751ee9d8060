// Shared checks of the connection-failure tests: a failure that arrives within a generous deadline (a race, not
// a timing assertion), typed, naming the host, free of the password; and no unhandled rejection meanwhile.
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, expect } from "vitest";
import { QueueEvents, Worker, WarrenError, type Backend, type ErrorCode } from "../../src/index.js";

/** A password that must appear in no message, cause or detail. */
export const SECRET = "s3cret-never-shown";

/** Collects every unhandled rejection and uncaught exception of this test file's process. */
export function trackUnhandled(): { reasons: unknown[] } {
  const tracked = { reasons: [] as unknown[] };
  const onReason = (reason: unknown): void => {
    tracked.reasons.push(reason);
  };
  beforeAll(() => {
    process.on("unhandledRejection", onReason);
    process.on("uncaughtException", onReason);
  });
  afterAll(() => {
    process.off("unhandledRejection", onReason);
    process.off("uncaughtException", onReason);
  });
  return tracked;
}

/**
 * Lets promises rejected in the same turn as the awaited failure reach Node's unhandled-rejection check (it
 * runs once the microtask queue drains) before the test looks at the tracker.
 */
export async function settleRejections(): Promise<void> {
  for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/** The rejection of `work`, or a test failure when it resolves or outlasts `deadlineMs`. */
export async function failureWithin(
  work: Promise<unknown>,
  deadlineMs: number,
  what: string,
): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"deadline">((resolve) => {
    timer = setTimeout(() => resolve("deadline"), deadlineMs);
  });
  const outcome = await Promise.race([
    work.then(
      (value) => ({ resolved: value }),
      (error: unknown) => ({ rejected: error }),
    ),
    deadline,
  ]);
  clearTimeout(timer);
  if (outcome === "deadline") throw new Error(`${what} neither failed nor succeeded within ${deadlineMs} ms`);
  if ("resolved" in outcome) throw new Error(`${what} succeeded; it should have failed`);
  return outcome.rejected;
}

/** The first "error" a Worker on `backend` emits, within `deadlineMs`; the worker is closed either way. */
export async function firstWorkerError(
  backend: Backend,
  queue: string,
  deadlineMs: number,
): Promise<unknown> {
  const worker = new Worker(queue, () => undefined, { backend });
  // Later failures (the fetch loop retries) are expected too: keep them from the unhandled-error log.
  worker.on("error", () => undefined);
  try {
    return await failureWithin(
      new Promise((_, reject) => worker.once("error", reject)),
      deadlineMs,
      "a worker's first fetch",
    );
  } finally {
    await worker.close({ force: true });
  }
}

/** The first "error" a QueueEvents on `backend` emits, within `deadlineMs`; closed either way. */
export async function firstEventsError(
  backend: Backend,
  queue: string,
  deadlineMs: number,
): Promise<unknown> {
  const events = new QueueEvents(queue, { backend });
  events.on("error", () => undefined);
  try {
    return await failureWithin(
      new Promise((_, reject) => events.once("error", reject)),
      deadlineMs,
      "QueueEvents subscribing",
    );
  } finally {
    await events.close();
  }
}

/** Asserts a typed connection error: class, code, the host named, and no password anywhere. */
export function expectConnectionError(
  error: unknown,
  expected: { type: abstract new (...args: never[]) => WarrenError; code: ErrorCode; host: string },
): void {
  expect(error).toBeInstanceOf(expected.type);
  const warren = error as WarrenError;
  expect(warren.code).toBe(expected.code);
  expect(warren.message).toContain(expected.host);
  expect(everythingSaid(warren)).not.toContain(SECRET);
}

/** Message, details and the cause chain's messages and properties, as one string. */
function everythingSaid(error: unknown, depth = 0): string {
  if (!(error instanceof Error) || depth > 5) return String(error);
  const own = JSON.stringify({ ...error, message: error.message, stack: error.stack });
  return own + everythingSaid(error.cause, depth + 1);
}

/** A local TCP port with nothing listening (bound once by this process, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A server that accepts connections and never says a word: a port whose service is not the one expected. */
export async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
