// The source of each Lua script, as the server runs it: the shared lib files the script names in
// `-- include: lib/<file>.lua` lines under its header (and those they name, in turn) put before it, dependencies
// first, each once, in the order they are named; then the script's body, wrapped so that its events are flushed
// once and its transport signals ride beside its result. Nothing is built from strings at run time beyond this
// join, which is the same on every load.
import { readFile } from "node:fs/promises";

/** Reads a file below ./scripts by its path there (`claim-jobs.lua`, `lib/keys.lua`). */
export type ScriptFileReader = (path: string) => Promise<string>;

/** The script files as shipped beside this module (the build copies them into dist/). */
export const readScriptFile: ScriptFileReader = (path) =>
  readFile(new URL(`./scripts/${path}`, import.meta.url), "utf8");

/**
 * Included into every script ahead of its own includes: the wrapper calls its flushEvents and returns its
 * outboxFilled and deadLetters.
 */
export const WRAPPER_INCLUDES: readonly string[] = ["lib/events.lua"];

/** A script as the server runs it, and the lib files joined into it, in order. */
export interface ScriptSource {
  source: string;
  includes: string[];
}

const INCLUDE_LINE = /^--\s*include:\s*(.*?)\s*$/;
/** Includes name files of scripts/lib by their path below scripts/: no climbing out, no other folder. */
const INCLUDE_PATH = /^lib\/[a-z][a-z0-9-]*\.lua$/;

/**
 * The files a script or lib file includes, in order. They sit at its top: in or after its header block, before
 * its first line of code. Throws on an include anywhere else, a path outside scripts/lib, or one named twice.
 */
export function includesOf(text: string, path: string): string[] {
  const includes: string[] = [];
  let inHeader = false;
  let atTop = true;
  text.split("\n").forEach((line, index) => {
    const where = `${path}:${index + 1}`;
    const include = INCLUDE_LINE.exec(line.trim());
    if (!atTop) {
      if (include) throw new Error(`${where}: "-- include:" belongs at the top of the file, before any code`);
      return;
    }
    if (inHeader) {
      inHeader = !line.includes("]]");
      return;
    }
    if (include) {
      const target = include[1]!;
      if (!INCLUDE_PATH.test(target)) {
        throw new Error(`${where}: include ${JSON.stringify(target)} must name a file as lib/<name>.lua`);
      }
      if (includes.includes(target)) throw new Error(`${where}: ${target} is included twice; name it once`);
      includes.push(target);
    } else if (line.trimStart().startsWith("--[[")) {
      inHeader = !line.includes("]]");
    } else if (line.trim() !== "" && !line.trimStart().startsWith("--")) {
      atTop = false;
    }
  });
  return includes;
}

/**
 * The lib files `roots` need, dependencies first, each once: depth first in the order they are named, so the
 * join is the same on every load. A local function must be defined before the code that calls it, so a cycle
 * (two files that include each other) cannot be joined and is refused.
 */
export async function resolveIncludes(roots: readonly string[], read: ScriptFileReader): Promise<string[]> {
  const order: string[] = [];
  const visiting: string[] = [];
  const visit = async (path: string): Promise<void> => {
    if (order.includes(path)) return;
    if (visiting.includes(path)) {
      throw new Error(`lua includes form a cycle: ${[...visiting, path].join(" -> ")}; break it`);
    }
    visiting.push(path);
    for (const include of includesOf(await readLibFile(path, read), path)) await visit(include);
    visiting.pop();
    order.push(path);
  };
  for (const root of roots) await visit(root);
  return order;
}

/** Reads a lib file, naming the missing one (a typo in an include, or a build that did not copy it). */
async function readLibFile(path: string, read: ScriptFileReader): Promise<string> {
  try {
    return await read(path);
  } catch (error) {
    throw new Error(
      `lua include ${path} cannot be read (${error instanceof Error ? error.message : String(error)}); ` +
        `check the include's spelling, and that the build copied scripts/lib`,
      { cause: error },
    );
  }
}

/** A reader that reads each file once (every script includes the same few). */
export function memoizedReader(read: ScriptFileReader): ScriptFileReader {
  const files = new Map<string, Promise<string>>();
  return (path) => {
    let file = files.get(path);
    if (file === undefined) {
      file = read(path);
      files.set(path, file);
    }
    return file;
  };
}

/** The source the server runs for script `name` (scripts/<name>.lua). */
export async function scriptSource(
  name: string,
  read: ScriptFileReader = readScriptFile,
  /** For a Redis Cluster: CLUSTER is true, and a script touches its own queue's slot only (lib/dependencies). */
  cluster = false,
): Promise<ScriptSource> {
  const path = `${name}.lua`;
  const body = await read(path);
  const includes = await resolveIncludes([...WRAPPER_INCLUDES, ...includesOf(body, path)], read);
  const lib = (await Promise.all(includes.map((include) => read(include)))).join("\n");
  // The script body runs as a function so that its events are flushed once, whatever it returns, and its
  // signals for a transport ride beside its result (an error reply goes back as it is).
  // On a cluster the shebang makes Redis (7+) refuse any key outside the slot of the declared key, instead of
  // reaching keys of another slot that happen to sit on the same node (and break once that slot moves).
  const source =
    `${cluster ? "#!lua\n" : ""}local CLUSTER = ${cluster}\n${lib}\nlocal function main()\n${body}\nend\nlocal result = main()\nflushEvents()\n` +
    `if type(result) == "table" and result.err then return result end\n` +
    `if result == nil then result = false end\n` +
    `return {result, outboxFilled, deadLetters, crossSettled}\n`;
  return { source, includes };
}
