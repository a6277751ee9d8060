// Loads each Lua transition once from its file (with the shared lib.lua prepended) and runs it by SHA,
// loading it again only when the server answers NOSCRIPT (after a restart or SCRIPT FLUSH).
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { Redis } from "ioredis";

/** Every script file in ./scripts, by name. */
export const SCRIPT_NAMES = [
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
  "promote-job",
  "release-lock",
  "remove-job",
  "retry-job",
  "set-schedule-paused",
  "set-paused",
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
    const read = (name: string) => readFile(new URL(`./scripts/${name}.lua`, import.meta.url), "utf8");
    const lib = await read("lib");
    const scripts = new Map<ScriptName, LoadedScript>();
    for (const name of SCRIPT_NAMES) {
      // The script body runs as a function so that its events are flushed once, whatever it returns.
      const source = `${lib}\nlocal function main()\n${await read(name)}\nend\nlocal result = main()\nflushEvents()\nreturn result\n`;
      scripts.set(name, { source, sha: createHash("sha1").update(source).digest("hex") });
    }
    return scripts;
  })();
  return loading;
}

/** Runs scripts on one connection. */
export class ScriptRunner {
  constructor(private readonly client: Redis) {}

  async run(name: ScriptName, keys: string[], args: Array<string | number>): Promise<unknown> {
    const script = (await loadScripts()).get(name)!;
    try {
      return await this.client.evalsha(script.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      await this.client.script("LOAD", script.source);
      return this.client.evalsha(script.sha, keys.length, ...keys, ...args);
    }
  }
}
