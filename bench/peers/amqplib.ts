// Raw RabbitMQ (amqplib) process rate, measured like bench/process-rate.ts measures Warren: publish every job
// first (durable queue, persistent messages on a ConfirmChannel, waitForConfirms every 1000), then start one
// consumer with prefetch C that acks each message manually and does nothing else, and time from consumer
// start to the last ack. There is no job store or state: this is the floor any AMQP-based queue builds on.
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { connect } from "amqplib";
import { addCount, timeAdds, type AddMode } from "../add-modes.js";
import { LatencyRecorder, paceAdds } from "../latency.js";

export interface ProcessRateOptions {
  jobs: number;
  concurrency: number;
}

const AMQP = process.env["WARREN_BENCH_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672";
/** TCP_NODELAY, as Warren sets it: without it a lone publish waits out the broker's delayed ACK (~40 ms). */
const SOCKET_OPTIONS = { noDelay: true };

export async function measureProcessRate({ jobs, concurrency }: ProcessRateOptions): Promise<number> {
  const connection = await connect(AMQP, SOCKET_OPTIONS);
  const queue = `bench-${randomBytes(3).toString("hex")}`;
  const publisher = await connection.createConfirmChannel();
  await publisher.assertQueue(queue, { durable: true });
  const body = Buffer.from(JSON.stringify({ name: "noop", data: {} }));
  for (let sent = 0; sent < jobs;) {
    const batchEnd = Math.min(sent + 1000, jobs);
    for (; sent < batchEnd; sent++) {
      if (!publisher.sendToQueue(queue, body, { persistent: true })) await once(publisher, "drain");
    }
    await publisher.waitForConfirms();
  }
  await publisher.close();

  let done = 0;
  let finished!: () => void;
  const allDone = new Promise<void>((resolve) => (finished = resolve));
  const started = performance.now();
  const consumer = await connection.createChannel();
  await consumer.prefetch(concurrency);
  const { consumerTag } = await consumer.consume(
    queue,
    (message) => {
      if (!message) return;
      consumer.ack(message);
      if (++done === jobs) finished();
    },
    { noAck: false },
  );
  await allDone;
  const seconds = (performance.now() - started) / 1000;
  await consumer.cancel(consumerTag);
  await consumer.deleteQueue(queue);
  await consumer.close();
  await connection.close();
  return jobs / seconds;
}

/**
 * Publishes persistent messages on a confirm channel in `mode` (see bench/add-modes.ts): each publish awaits
 * its own confirm, and a bulk is one batch of publishes followed by waitForConfirms; jobs per second.
 */
export async function measureAddRate(mode: AddMode, jobs: number): Promise<number> {
  const connection = await connect(AMQP, SOCKET_OPTIONS);
  const queue = `bench-${randomBytes(3).toString("hex")}`;
  const channel = await connection.createConfirmChannel();
  await channel.assertQueue(queue, { durable: true });
  const body = Buffer.from(JSON.stringify({ name: "noop", data: {} }));
  const publishOne = (): Promise<void> =>
    new Promise((resolve, reject) =>
      channel.sendToQueue(queue, body, { persistent: true }, (error) => (error ? reject(error) : resolve())),
    );
  const rate = await timeAdds(mode, addCount(mode, jobs), publishOne, async (n) => {
    for (let i = 0; i < n; i++) channel.sendToQueue(queue, body, { persistent: true });
    await channel.waitForConfirms();
  });
  await channel.deleteQueue(queue);
  await channel.close();
  await connection.close();
  return rate;
}

/**
 * Add→start latency at a fixed rate (bench/latency.ts): each message is published persistent on a confirm
 * channel and awaited; a consumer with prefetch 100 acks it. p50 and p99 of delivery − send, in ms.
 */
export async function measureLatency(rate: number, seconds: number): Promise<{ p50: number; p99: number }> {
  const connection = await connect(AMQP, SOCKET_OPTIONS);
  const queue = `bench-${randomBytes(3).toString("hex")}`;
  const channel = await connection.createConfirmChannel();
  await channel.assertQueue(queue, { durable: true });
  const recorder = new LatencyRecorder(rate * seconds);
  const consumer = await connection.createChannel();
  await consumer.prefetch(100);
  const { consumerTag } = await consumer.consume(
    queue,
    (message) => {
      if (!message) return;
      recorder.started((JSON.parse(message.content.toString()) as { t: number }).t);
      consumer.ack(message);
    },
    { noAck: false },
  );
  await paceAdds(
    rate,
    seconds,
    (t) =>
      new Promise<void>((resolve, reject) =>
        channel.sendToQueue(
          queue,
          Buffer.from(JSON.stringify({ name: "timed", data: {}, t })),
          { persistent: true },
          (error) => (error ? reject(error) : resolve()),
        ),
      ),
  );
  await recorder.allStarted;
  await consumer.cancel(consumerTag);
  await channel.deleteQueue(queue);
  await channel.close();
  await consumer.close();
  await connection.close();
  return recorder.percentiles();
}
