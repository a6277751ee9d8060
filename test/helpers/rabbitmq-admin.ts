// A small client for RabbitMQ's management API, used by integration tests to check topology and cut
// connections. Tests only: Warren itself never depends on the management plugin.
const API = process.env["WARREN_TEST_AMQP_API"] ?? "http://127.0.0.1:15672/api";
const AUTH = `Basic ${Buffer.from("guest:guest").toString("base64")}`;

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${API}${path}`, { ...init, headers: { authorization: AUTH, ...init.headers } });
}

/** GET a management resource as JSON; undefined when it does not exist. */
export async function getResource<T>(path: string): Promise<T | undefined> {
  const response = await call(path);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** A queue as the management API describes it. */
export interface ManagedQueue {
  name: string;
  durable: boolean;
  arguments: Record<string, unknown>;
  messages: number;
  consumers: number;
}

export function getQueue(name: string): Promise<ManagedQueue | undefined> {
  return getResource<ManagedQueue>(`/queues/%2F/${encodeURIComponent(name)}`);
}

export function getExchange(
  name: string,
): Promise<
  | { name: string; type: string; durable: boolean; arguments: Record<string, unknown>; policy?: string }
  | undefined
> {
  return getResource(`/exchanges/%2F/${encodeURIComponent(name)}`);
}

export async function getBindings(queue: string): Promise<Array<{ source: string; routing_key: string }>> {
  return (await getResource(`/queues/%2F/${encodeURIComponent(queue)}/bindings`)) ?? [];
}

/** How many broker connections the management API lists under this client-supplied name (it lags by seconds). */
export async function countConnectionsNamed(connectionName: string): Promise<number> {
  const connections =
    (await getResource<Array<{ client_properties?: { connection_name?: string } }>>("/connections")) ?? [];
  return connections.filter((c) => c.client_properties?.connection_name === connectionName).length;
}

/** Closes every broker connection whose client-supplied name is `connectionName`; returns how many. */
export async function closeConnectionsNamed(connectionName: string): Promise<number> {
  const connections =
    (await getResource<Array<{ name: string; client_properties?: { connection_name?: string } }>>(
      "/connections",
    )) ?? [];
  let closed = 0;
  for (const connection of connections) {
    if (connection.client_properties?.connection_name !== connectionName) continue;
    const response = await call(`/connections/${encodeURIComponent(connection.name)}`, {
      method: "DELETE",
      headers: { "x-reason": "warren test cuts the connection" },
    });
    if (response.ok || response.status === 404) closed += 1;
  }
  return closed;
}

/** Whether the management API answers. */
export async function managementReachable(): Promise<boolean> {
  try {
    return (await call("/overview")).ok;
  } catch {
    return false;
  }
}

/** A message as the management API shows it. */
export interface PeekedMessage {
  routing_key: string;
  exchange: string;
  payload: string;
  properties: { message_id?: string; headers?: Record<string, unknown> };
}

/**
 * Reads up to `count` ready messages from the head of `queue` and puts them back, in their places. Messages a
 * consumer holds unacked at that moment are not seen.
 */
export async function peekMessages(queue: string, count = 1000): Promise<PeekedMessage[]> {
  const response = await call(`/queues/%2F/${encodeURIComponent(queue)}/get`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ count, ackmode: "ack_requeue_true", encoding: "auto", truncate: 50_000 }),
  });
  if (response.status === 404) return [];
  if (!response.ok) throw new Error(`peek ${queue}: ${response.status} ${await response.text()}`);
  return (await response.json()) as PeekedMessage[];
}

/** Sets a policy on the default vhost, as `rabbitmqctl set_policy` would. */
export async function setPolicy(
  name: string,
  policy: { pattern: string; definition: Record<string, unknown>; "apply-to": "exchanges" | "queues" },
): Promise<void> {
  const response = await call(`/policies/%2F/${encodeURIComponent(name)}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(policy),
  });
  if (!response.ok) throw new Error(`set policy ${name}: ${response.status} ${await response.text()}`);
}

/** Deletes a policy, an exchange or a queue of the default vhost; a missing one is not an error. */
export async function deleteResource(kind: "policies" | "exchanges" | "queues", name: string): Promise<void> {
  const response = await call(`/${kind}/%2F/${encodeURIComponent(name)}`, { method: "DELETE" });
  if (!response.ok && response.status !== 404) {
    throw new Error(`delete ${kind} ${name}: ${response.status} ${await response.text()}`);
  }
}
