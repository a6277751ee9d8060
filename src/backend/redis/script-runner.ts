// Loads each Lua transition once from its file (with the lib files it includes joined before it, see
// script-source.ts) and runs it by SHA, sending its source again only when the server answers NOSCRIPT (after a
// restart, SCRIPT FLUSH, or on a cluster node that has not run it yet).
import { createHash } from "node:crypto";
import { isClusterClient, type RedisClient } from "./redis-client.js";
import { memoizedReader, readScriptFile, scriptSource } from "./script-source.js";

/** Every script file in ./scripts, by name. */
export const SCRIPT_NAMES = [
  "ack-outbox",
  "acquire-lock",
  "add-log",
  "cancel-job",
  "claim-job-ids",
  "claim-jobs",
  "clean-jobs",
  "drain-queue",
  "enqueue-jobs",
  "extend-lock",
  "extend-locks",
  "finish-jobs",
  "fire-schedule",
  "link-dependants",
  "maintain-queue",
  "obliterate-queue",
  "promote-due",
  "promote-job",
  "rearm-stale",
  "release-lock",
  "remove-job",
  "remove-schedule",
  "replay-dead-letter",
  "retry-job",
  "search-jobs",
  "set-schedule-paused",
  "set-paused",
  "settle-cross",
  "snapshot-queue",
  "take-outbox",
  "update-progress",
  "upsert-schedule",
] as const;

/** One of {@link SCRIPT_NAMES}. */
export type ScriptName = (typeof SCRIPT_NAMES)[number];

interface LoadedScript {
  source: string;
  sha: string;
}

/** The scripts for one server and for a cluster (they differ in CLUSTER, see scriptSource). */
const loading = new Map<boolean, Promise<Map<ScriptName, LoadedScript>>>();

/** Reads the scripts once per process and kind of server. */
function loadScripts(cluster: boolean): Promise<Map<ScriptName, LoadedScript>> {
  let scripts = loading.get(cluster);
  if (!scripts) {
    scripts = (async () => {
      const read = memoizedReader(readScriptFile);
      const loaded = new Map<ScriptName, LoadedScript>();
      for (const name of SCRIPT_NAMES) {
        const { source } = await scriptSource(name, read, cluster);
        loaded.set(name, { source, sha: createHash("sha1").update(source).digest("hex") });
      }
      return loaded;
    })();
    loading.set(cluster, scripts);
  }
  return scripts;
}

/** A script's result, and what it tells a transport (outbox mode; both empty otherwise). */
export interface ScriptReply {
  result: unknown;
  /** Queues whose outbox got entries. */
  outboxFilled: string[];
  /** Jobs that ended failed or expired for good: queue, id, reason, queue, id, reason, … */
  deadLetters: string[];
  /** Cluster only: dependants in other queues to settle (entries of the script queue's "xsettle" set). */
  crossSettled: string[];
}

/** Runs scripts on one connection. */
export class ScriptRunner {
  private readonly cluster: boolean;

  constructor(private readonly client: RedisClient) {
    this.cluster = isClusterClient(client);
  }

  async run(name: ScriptName, keys: string[], args: Array<string | number>): Promise<ScriptReply> {
    const script = (await loadScripts(this.cluster)).get(name)!;
    let reply: unknown;
    try {
      reply = await this.client.evalsha(script.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      // EVAL, not SCRIPT LOAD then EVALSHA: it runs on the node of the script's key (a cluster sends SCRIPT LOAD
      // to any node) and caches the script there for the next EVALSHA.
      reply = await this.client.eval(script.source, keys.length, ...keys, ...args);
    }
    const [result, outboxFilled, deadLetters, crossSettled = []] = reply as [
      unknown,
      string[],
      string[],
      string[]?,
    ];
    return { result, outboxFilled, deadLetters, crossSettled };
  }
}
