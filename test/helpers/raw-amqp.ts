// A test file's own amqplib connection and channel, to look at and poke the broker beside Warren (check a
// queue, publish a foreign message): opened before the file's tests, closed after them.
import * as amqp from "amqplib";
import { afterAll, beforeAll } from "vitest";
import { SERVICE_URLS } from "./services.js";

/** The raw connection and channel, valid inside the file's tests. */
export interface RawAmqp {
  readonly connection: amqp.ChannelModel;
  readonly channel: amqp.Channel;
}

/** Registers the file's raw broker connection (call it at the top of a describe block). */
export function useRawAmqp(): RawAmqp {
  let connection: amqp.ChannelModel | undefined;
  let channel: amqp.Channel | undefined;
  beforeAll(async () => {
    connection = await amqp.connect(SERVICE_URLS.rabbitmq);
    channel = await connection.createChannel();
  });
  afterAll(async () => {
    await connection?.close();
  });
  const opened = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the raw AMQP connection is open only inside the file's tests");
    return value;
  };
  return {
    get connection() {
      return opened(connection);
    },
    get channel() {
      return opened(channel);
    },
  };
}
