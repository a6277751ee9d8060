// Where handles log: a handle given no logger logs through its backend's, with its own bindings; one given a
// logger logs there; anything that is not a logger is refused with a clear error at construction.
import { describe, expect, it } from "vitest";
import {
  createBackend,
  EventBus,
  FlowProducer,
  MemoryBackend,
  Queue,
  QueueEvents,
  Worker,
  type Backend,
} from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { recordingLogger } from "../../helpers/recording-logger.js";

const NOT_A_LOGGER = { warn: () => undefined };

describe("handle logging", () => {
  it("a worker with no listener logs an error event through its backend's logger, with queue and workerId", async () => {
    const logger = recordingLogger();
    const backend = new MemoryBackend({ logger });
    const worker = new Worker("mail", () => "sent", { backend });
    await backend.close();
    await waitFor(() => logger.matching("its backend was closed").length > 0, {
      message: "the worker to log its closed backend",
    });
    const [record] = logger.matching("its backend was closed");
    expect(record).toMatchObject({ level: "error", fields: { queue: "mail", workerId: worker.id } });
    await worker.close();
  });

  it("a worker given its own logger logs there, not to the backend's", async () => {
    const backendLogger = recordingLogger();
    const own = recordingLogger();
    const backend = new MemoryBackend({ logger: backendLogger });
    const worker = new Worker("mail", () => "sent", { backend, logger: own });
    await backend.close();
    await waitFor(() => own.matching("its backend was closed").length > 0, {
      message: "the worker's record",
    });
    expect(backendLogger.matching("its backend was closed")).toEqual([]);
    await worker.close();
  });

  it("an EventBus handler that throws, with no error listener, is logged", async () => {
    const logger = recordingLogger();
    const backend = new MemoryBackend({ logger });
    const bus = new EventBus({ backend });
    await bus.subscribe("user.created", () => {
      throw new Error("handler bug");
    });
    await bus.publish("user.created", { id: 1 });
    await waitFor(() => logger.matching("handler bug").length > 0, {
      message: "the handler's failure logged",
    });
    expect(logger.matching("handler bug")[0]!.level).toBe("error");
    await bus.close();
    await backend.close();
  });

  it("createBackend hands its logger to the backend, and a queue on it logs its adds at debug", async () => {
    const logger = recordingLogger();
    const backend = await createBackend("memory://", { logger });
    expect(backend.logger).toBe(logger);
    const queue = new Queue("mail", { backend });
    await queue.add("welcome", {});
    expect(logger.matching("jobs stored")).toEqual([
      { level: "debug", message: "jobs stored", fields: { queue: "mail", jobs: 1 } },
    ]);
    await queue.close();
    await backend.close();
  });

  describe("refuses a logger that is not one", () => {
    const backend = new MemoryBackend();
    const cases: Array<[string, (backend: Backend) => unknown]> = [
      ["Queue", (b) => new Queue("q", { backend: b, logger: NOT_A_LOGGER as never })],
      [
        "Worker",
        (b) => new Worker("q", () => 1, { backend: b, autorun: false, logger: NOT_A_LOGGER as never }),
      ],
      ["QueueEvents", (b) => new QueueEvents("q", { backend: b, logger: NOT_A_LOGGER as never })],
      ["EventBus", (b) => new EventBus({ backend: b, logger: NOT_A_LOGGER as never })],
      ["FlowProducer", (b) => new FlowProducer({ backend: b, logger: NOT_A_LOGGER as never })],
      ["MemoryBackend", () => new MemoryBackend({ logger: NOT_A_LOGGER as never })],
    ];
    it.each(cases)("%s", (_name, make) => {
      expect(() => make(backend)).toThrow(
        expect.objectContaining({
          code: "INVALID_OPTION",
          message: expect.stringContaining("pino-compatible logger") as unknown,
        }),
      );
    });

    it("createBackend", async () => {
      await expect(createBackend("memory://", { logger: NOT_A_LOGGER as never })).rejects.toMatchObject({
        code: "INVALID_OPTION",
      });
    });
  });
});
