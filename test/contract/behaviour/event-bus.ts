// EventBus: topics with wildcard subscriptions, live delivery, unsubscribe, bad input.
import { expect, it } from "vitest";
import { EventBus } from "../../../src/index.js";
import { waitFor } from "../../../src/testing/index.js";
import { uniqueQueueName } from "../../helpers/harness.js";
import type { ContractContext } from "../contract-suite.js";

export function eventBusCases({ harness }: ContractContext): void {
  it("delivers a message to every subscription whose pattern matches its topic, and to no other", async () => {
    const backend = await harness.backend();
    const root = uniqueQueueName("bus");
    const bus = new EventBus<{ n: number }>({ backend });
    const got: Record<string, string[]> = { star: [], hash: [], exact: [] };
    const subscriptions = [
      await bus.subscribe(`${root}.user.*`, (data, { topic }) => void got.star!.push(`${topic}=${data.n}`)),
      await bus.subscribe(`${root}.#`, (data, { topic }) => void got.hash!.push(`${topic}=${data.n}`)),
      await bus.subscribe(
        `${root}.user.created`,
        (data, { topic }) => void got.exact!.push(`${topic}=${data.n}`),
      ),
    ];
    await bus.publish(`${root}.user.created`, { n: 1 });
    await bus.publish(`${root}.user.a.b`, { n: 2 });
    await bus.publish(`${root}.order.created`, { n: 3 });
    await waitFor(() => got.hash!.length === 3, { message: "the # subscription to get all three" });
    expect(got.hash).toEqual([`${root}.user.created=1`, `${root}.user.a.b=2`, `${root}.order.created=3`]);
    expect(got.star).toEqual([`${root}.user.created=1`]);
    expect(got.exact).toEqual([`${root}.user.created=1`]);
    for (const subscription of subscriptions) await subscription.unsubscribe();
  });

  it("an unsubscribed handler gets nothing more; a throwing handler is reported and harms no other", async () => {
    const backend = await harness.backend();
    const root = uniqueQueueName("bus");
    const bus = new EventBus<string>({ backend });
    const errors: Error[] = [];
    bus.on("error", (error) => errors.push(error));
    const left: string[] = [];
    const stayed: string[] = [];
    const leaving = await bus.subscribe(`${root}.*`, (data) => void left.push(data));
    await bus.subscribe(`${root}.*`, () => {
      throw new Error("handler broke");
    });
    await bus.subscribe(`${root}.*`, (data) => void stayed.push(data));
    await bus.publish(`${root}.a`, "first");
    await waitFor(() => stayed.length === 1 && left.length === 1, { message: "the first message" });
    await leaving.unsubscribe();
    await bus.publish(`${root}.a`, "second");
    // Messages arrive in order: once the second reached the staying handler, the leaving one would have it too.
    await waitFor(() => stayed.length === 2, { message: "the second message" });
    expect(left).toEqual(["first"]);
    expect(stayed).toEqual(["first", "second"]);
    expect(errors.map((error) => error.message)).toEqual(["handler broke", "handler broke"]);
    await bus.close();
  });

  it("rejects a wildcard topic, a bad pattern and data that is not JSON", async () => {
    const backend = await harness.backend();
    const bus = new EventBus({ backend });
    await expect(bus.publish("user.*", {})).rejects.toMatchObject({ code: "INVALID_QUEUE_NAME" });
    await expect(bus.subscribe("user..x", () => undefined)).rejects.toMatchObject({
      code: "INVALID_QUEUE_NAME",
    });
    await expect(bus.publish("user.created", { at: 1n })).rejects.toMatchObject({ code: "INVALID_DATA" });
  });
}
