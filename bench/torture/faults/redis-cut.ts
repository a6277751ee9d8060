// Cuts a worker's Redis connections from the server side: CLIENT KILL on every client named like it.
import { Redis } from "ioredis";

/** Kills every connection of the Redis at `url` whose CLIENT SETNAME is `name`; returns how many. */
export async function cutRedisClients(url: string, name: string, adminName: string): Promise<number> {
  const admin = new Redis(url, {
    lazyConnect: true,
    connectionName: adminName,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  admin.on("error", () => undefined);
  try {
    await admin.connect();
    const list = String(await admin.call("CLIENT", "LIST", "TYPE", "normal"));
    const ids = list
      .split("\n")
      .map((line) => new Map(line.split(" ").map((field) => field.split("=", 2) as [string, string])))
      .filter((fields) => fields.get("name") === name)
      .map((fields) => fields.get("id")!);
    for (const id of ids) await admin.client("KILL", "ID", id);
    return ids.length;
  } finally {
    admin.disconnect();
  }
}
