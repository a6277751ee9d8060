// Cuts a worker's broker connections through RabbitMQ's management API, and sweeps a run's topology away.
const API = process.env["WARREN_TEST_AMQP_API"] ?? "http://127.0.0.1:15672/api";
const AUTH = `Basic ${Buffer.from(process.env["WARREN_TEST_AMQP_API_AUTH"] ?? "guest:guest").toString("base64")}`;

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${API}${path}`, { ...init, headers: { authorization: AUTH, ...init.headers } });
}

/** Closes every connection whose client-supplied `connection_name` is `name`; returns how many. */
export async function cutAmqpConnections(name: string): Promise<number> {
  const response = await call("/connections?columns=name,client_properties.connection_name");
  if (!response.ok) throw new Error(`GET /connections: ${response.status}`);
  const connections = (await response.json()) as Array<{
    name: string;
    client_properties?: { connection_name?: string };
  }>;
  let closed = 0;
  for (const connection of connections) {
    if (connection.client_properties?.connection_name !== name) continue;
    const deleted = await call(`/connections/${encodeURIComponent(connection.name)}`, {
      method: "DELETE",
      headers: { "x-reason": "warren torture cuts this worker's connection" },
    });
    if (deleted.ok || deleted.status === 404) closed += 1;
  }
  return closed;
}

/** Deletes every queue and exchange of the default vhost whose name starts with `prefix.` (a run's own). */
export async function deleteAmqpTopology(prefix: string): Promise<void> {
  for (const kind of ["queues", "exchanges"] as const) {
    const response = await call(`/${kind}/%2F?columns=name`);
    if (!response.ok) continue;
    const items = (await response.json()) as Array<{ name: string }>;
    for (const item of items.filter((entry) => entry.name.startsWith(`${prefix}.`))) {
      await call(`/${kind}/%2F/${encodeURIComponent(item.name)}`, { method: "DELETE" });
    }
  }
}
