// Declares the jobs exchange with the holding queue as its alternate exchange, on throwaway channels: a broker whose
// jobs exchange predates the alternate exchange answers the re-declare with PRECONDITION_FAILED (406), which closes
// the channel it arrived on. Probing on a channel of its own keeps that away from the publisher's and consumers'
// channels; Warren then uses the exchange as it is and says, once, how to migrate.
import type * as amqp from "amqplib";
import { UnsupportedError } from "../../errors/warren-error.js";
import { HOLDING_QUEUE_ARGUMENTS, type TopologyNames } from "./topology.js";

/** What the jobs exchange does with a message no job queue is bound for. */
export type UnroutedMessages =
  /** Routed to the holding queue (by the exchange's argument, or by a policy) and drained by Warren. */
  | "held"
  /** Dropped, or returned to a `mandatory` publisher: the exchange predates the alternate exchange. */
  | "dropped"
  /** Sent wherever someone else's configuration says: Warren leaves that alone. */
  | "elsewhere";

/** The outcome of {@link declareJobsExchange}. */
export interface JobsExchangeDeclaration {
  unrouted: UnroutedMessages;
  /**
   * Whether the holding queue exists as Warren declares it, so drains may run. True also while the exchange drops
   * unrouted messages: a policy set later (the online migration) starts filling it without a restart.
   */
  holdingQueueDeclared: boolean;
  /** Why messages are not held, and what to do about it; reported once per backend. */
  warning?: UnsupportedError;
}

/** Header of the message that finds out whether a policy gives the jobs exchange an alternate exchange. */
export const PROBE_HEADER = "x-warren-probe";
/** No Warren queue can be bound with this key: queue names have no `:`. */
const PROBE_ROUTING_KEY = "warren:unrouted-probe";
/** PRECONDITION_FAILED (inequivalent arguments) and RESOURCE_LOCKED (an exclusive queue of that name). */
const INEQUIVALENT_DECLARE_CODES = new Set([406, 405]);

/**
 * Declares the holding queue, its fanout exchange and the jobs exchange pointing at it; when the jobs exchange
 * already exists without that argument, keeps it as it is and reports what happens to unrouted messages.
 */
export async function declareJobsExchange(
  model: amqp.ChannelModel,
  names: TopologyNames,
): Promise<JobsExchangeDeclaration> {
  // The alternate exchange and its queue come first: a message routed to an alternate exchange that does not
  // exist yet is dropped.
  const holding = await onThrowawayChannel(model, async (channel) => {
    await channel.assertExchange(names.unroutedExchange, "fanout", { durable: true });
    await channel.assertQueue(names.holdingQueue, { durable: true, arguments: HOLDING_QUEUE_ARGUMENTS });
    await channel.bindQueue(names.holdingQueue, names.unroutedExchange, "");
  });
  if (holding.ok) {
    const withHolding = await onThrowawayChannel(model, (channel) =>
      channel.assertExchange(names.jobsExchange, "topic", {
        durable: true,
        alternateExchange: names.unroutedExchange,
      }),
    );
    if (withHolding.ok) return { unrouted: "held", holdingQueueDeclared: true };
  }
  const plain = await onThrowawayChannel(model, (channel) =>
    channel.assertExchange(names.jobsExchange, "topic", { durable: true }),
  );
  if (!plain.ok) {
    // Neither with nor without our argument: another alternate exchange, type or durability. Use it as it is.
    await onThrowawayChannel(model, (channel) => channel.checkExchange(names.jobsExchange));
    return {
      unrouted: "elsewhere",
      holdingQueueDeclared: holding.ok,
      warning: foreignExchangeWarning(names, plain.error),
    };
  }
  if (!holding.ok) {
    return {
      unrouted: "dropped",
      holdingQueueDeclared: false,
      warning: holdingConflictWarning(names, holding.error),
    };
  }
  // Declared without the argument: a policy may still give it the holding queue as its alternate exchange.
  if (await unroutedMessagesAreHeld(model, names)) return { unrouted: "held", holdingQueueDeclared: true };
  return { unrouted: "dropped", holdingQueueDeclared: true, warning: legacyExchangeWarning(names) };
}

/**
 * Publishes one `mandatory` message no queue is bound for: returned means the exchange has no alternate exchange;
 * confirmed without a return means it went to one (the drain acks and drops it by its header).
 */
async function unroutedMessagesAreHeld(model: amqp.ChannelModel, names: TopologyNames): Promise<boolean> {
  const channel = await model.createConfirmChannel();
  channel.on("error", () => undefined);
  let returned = false;
  // The broker sends basic.return before the confirm of the same message, so the flag is set when the callback runs.
  channel.on("return", () => (returned = true));
  try {
    await new Promise<void>((resolve, reject) => {
      channel.publish(
        names.jobsExchange,
        PROBE_ROUTING_KEY,
        Buffer.from("{}"),
        { mandatory: true, headers: { [PROBE_HEADER]: 1 } },
        (error) => (error ? reject(error as Error) : resolve()),
      );
    });
    return !returned;
  } finally {
    await channel.close().catch(() => undefined);
  }
}

type ThrowawayResult<T> = { ok: true; value: T } | { ok: false; error: Error };

/** Runs declarations on a channel of their own; a refusal for inequivalent arguments is an answer, not a failure. */
async function onThrowawayChannel<T>(
  model: amqp.ChannelModel,
  declare: (channel: amqp.Channel) => Promise<T>,
): Promise<ThrowawayResult<T>> {
  const channel = await model.createChannel();
  // The refusal also arrives as a channel error event: it is the expected answer here.
  channel.on("error", () => undefined);
  try {
    return { ok: true, value: await declare(channel) };
  } catch (error) {
    if (INEQUIVALENT_DECLARE_CODES.has((error as { code?: unknown }).code as number)) {
      return { ok: false, error: error as Error };
    }
    throw error;
  } finally {
    // Already closed by the broker after a refusal.
    await channel.close().catch(() => undefined);
  }
}

/** The `rabbitmqctl` command that gives the existing jobs exchange the holding queue, online. */
export function holdingPolicyCommand(names: TopologyNames): string {
  const pattern = `^${names.jobsExchange.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&")}$`;
  const definition = JSON.stringify({ "alternate-exchange": names.unroutedExchange });
  return `rabbitmqctl set_policy --apply-to exchanges ${names.unroutedExchange} '${pattern}' '${definition}'`;
}

function legacyExchangeWarning(names: TopologyNames): UnsupportedError {
  return new UnsupportedError(
    `the RabbitMQ exchange ${names.jobsExchange} was declared without an alternate exchange (by an older ` +
      `Warren), so a message published for a queue no Warren process has declared yet is dropped, or returned ` +
      `to a mandatory publisher; Warren carries on as before. To hold such messages until their queue exists, ` +
      `set this policy (online, nothing to restart; add -p <vhost> outside the default vhost, and merge it into ` +
      `any policy that already matches the exchange): ${holdingPolicyCommand(names)} — see docs/backends/amqp.md`,
    { details: { exchange: names.jobsExchange, alternateExchange: names.unroutedExchange } },
  );
}

function holdingConflictWarning(names: TopologyNames, cause: Error): UnsupportedError {
  return new UnsupportedError(
    `could not declare the holding exchange and queue ${names.unroutedExchange} (${cause.message}), so a ` +
      `message published for a queue no Warren process has declared yet is not held; Warren carries on without ` +
      `them. Remove whatever else holds that name, as a fanout exchange or a classic queue, to get them back.`,
    { cause, details: { exchange: names.unroutedExchange, queue: names.holdingQueue } },
  );
}

function foreignExchangeWarning(names: TopologyNames, cause: Error): UnsupportedError {
  return new UnsupportedError(
    `the RabbitMQ exchange ${names.jobsExchange} exists with settings Warren did not give it (${cause.message}); ` +
      `Warren uses it as it is, and does not hold messages published for a queue that does not exist yet.`,
    { cause, details: { exchange: names.jobsExchange } },
  );
}
