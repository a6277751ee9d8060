// Loads each Lua transition once from its file (with the lib files it includes joined before it, see
// script-source.ts) and runs it by SHA, sending its source again only when the server answers NOSCRIPT (after a
// restart, SCRIPT FLUSH, or on a cluster node that has not run it yet).
import { createHash } from "node:crypto";
import type { RedisClient } from "./redis-client.js";
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
  "maintain-queue",
  "obliterate-queue",
  "promote-due",
  "promote-job",
  "rearm-stale",
  "release-lock",
  "remove-job",
  "remove-schedule",
  "retry-job",
  "set-schedule-paused",
  "set-paused",
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

let loading: Promise<Map<ScriptName, LoadedScript>> | undefined;

/** Reads the scripts once per process. */
function loadScripts(): Promise<Map<ScriptName, LoadedScript>> {
  loading ??= (async () => {
    const read = memoizedReader(readScriptFile);
    const scripts = new Map<ScriptName, LoadedScript>();
    for (const name of SCRIPT_NAMES) {
      const { source } = await scriptSource(name, read);
      scripts.set(name, { source, sha: createHash("sha1").update(source).digest("hex") });
    }
    return scripts;
  })();
  return loading;
}

/** A script's result, and what it tells a transport (outbox mode; both empty otherwise). */
export interface ScriptReply {
  result: unknown;
  /** Queues whose outbox got entries. */
  outboxFilled: string[];
  /** Jobs that ended failed or expired for good: queue, id, reason, queue, id, reason, … */
  deadLetters: string[];
}

/** Runs scripts on one connection. */
export class ScriptRunner {
  constructor(private readonly client: RedisClient) {}

  async run(name: ScriptName, keys: string[], args: Array<string | number>): Promise<ScriptReply> {
    const script = (await loadScripts()).get(name)!;
    let reply: unknown;
    try {
      reply = await this.client.evalsha(script.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      // EVAL, not SCRIPT LOAD then EVALSHA: it runs on the node of the script's key (a cluster sends SCRIPT LOAD
      // to any node) and caches the script there for the next EVALSHA.
      reply = await this.client.eval(script.source, keys.length, ...keys, ...args);
    }
    const [result, outboxFilled, deadLetters] = reply as [unknown, string[], string[]];
    return { result, outboxFilled, deadLetters };
  }
}
