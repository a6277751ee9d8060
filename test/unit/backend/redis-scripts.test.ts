import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SCRIPT_NAMES } from "../../../src/backend/redis/script-runner.js";
import {
  includesOf,
  resolveIncludes,
  scriptSource,
  WRAPPER_INCLUDES,
  type ScriptFileReader,
} from "../../../src/backend/redis/script-source.js";

const SCRIPTS = new URL("../../../src/backend/redis/scripts/", import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, SCRIPTS), "utf8");
const LIB_FILES = readdirSync(new URL("lib/", SCRIPTS))
  .filter((file) => file.endsWith(".lua"))
  .map((file) => `lib/${file}`);

/** Lua source without comments and string literals, so only code is searched for names. */
function codeOf(source: string): string {
  return source
    .replace(/--\[\[[\s\S]*?\]\]/g, "")
    .replace(/"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g, '""')
    .replace(/--[^\n]*/g, "");
}

/** The names a lib file defines at its top level (locals, functions, forward declarations). */
function definedNames(source: string): string[] {
  const names: string[] = [];
  for (const line of codeOf(source).split("\n")) {
    const fn = /^local function (\w+)/.exec(line);
    const vars = /^local ([\w, ]+?)\s*(?:=|$)/.exec(line);
    if (fn) names.push(fn[1]!);
    else if (vars) names.push(...vars[1]!.split(",").map((name) => name.trim()));
  }
  return names;
}

/** Every name that is read or called in `source`, leaving out fields (`a.b`, `a:b`). */
function usedNames(source: string): Set<string> {
  const used = new Set<string>();
  for (const match of codeOf(source).matchAll(/(?<![.:\w])[A-Za-z_]\w*/g)) used.add(match[0]);
  return used;
}

/** Lib name → the lib file that defines it. */
const definedIn = new Map<string, string>();
for (const file of LIB_FILES) for (const name of definedNames(read(file))) definedIn.set(name, file);

describe("the Redis scripts' lib includes", () => {
  it.each([...SCRIPT_NAMES])("%s loads with every include resolved, each once", async (name) => {
    const { source, includes } = await scriptSource(name, (path) => Promise.resolve(read(path)));
    expect(new Set(includes).size).toBe(includes.length);
    for (const include of WRAPPER_INCLUDES) expect(includes).toContain(include);
    for (const include of includes) expect(source).toContain(read(include));
    // Each lib file comes after the ones it includes: a local must exist before the code that calls it.
    for (const include of includes) {
      for (const dependency of includesOf(read(include), include)) {
        expect(includes.indexOf(dependency)).toBeLessThan(includes.indexOf(include));
      }
    }
  });

  it.each([...SCRIPT_NAMES.map((name) => `${name}.lua`), ...LIB_FILES])(
    "%s includes the lib file of every lib name it uses, and no file it does not use",
    (file) => {
      const source = read(file);
      const own = new Set(file.startsWith("lib/") ? definedNames(source) : []);
      const included = includesOf(source, file);
      const needed = new Set<string>();
      for (const name of usedNames(source)) {
        const home = definedIn.get(name);
        if (home !== undefined && !own.has(name)) needed.add(home);
      }
      expect([...needed].sort()).toEqual([...included].sort());
    },
  );

  it("no lib name is defined in two lib files", () => {
    const all = LIB_FILES.flatMap((file) => definedNames(read(file)));
    expect(all.length).toBe(new Set(all).size);
  });

  it("the names the wrapper uses come with its includes", async () => {
    const wrapperFiles = await resolveIncludes(WRAPPER_INCLUDES, (path) => Promise.resolve(read(path)));
    for (const name of ["flushEvents", "outboxFilled", "deadLetters"]) {
      expect(wrapperFiles).toContain(definedIn.get(name));
    }
  });

  it("every script file is a known script, and every lib file is included by one", async () => {
    const files = readdirSync(SCRIPTS).filter((file) => file.endsWith(".lua"));
    expect(files.sort()).toEqual(SCRIPT_NAMES.map((name) => `${name}.lua`).sort());
    const reached = new Set<string>();
    for (const name of SCRIPT_NAMES) {
      for (const include of (await scriptSource(name, (path) => Promise.resolve(read(path)))).includes) {
        reached.add(include);
      }
    }
    expect([...reached].sort()).toEqual([...LIB_FILES].sort());
  });
});

describe("lua include lines", () => {
  const header = "--[[\n  x: a script.\n]]\n";

  it("are read from the top of a file, under its header, in order", () => {
    const text = `${header}-- include: lib/keys.lua\n--include:lib/events.lua\n\nlocal base = KEYS[1]\n`;
    expect(includesOf(text, "x.lua")).toEqual(["lib/keys.lua", "lib/events.lua"]);
  });

  it("are refused below the first line of code", () => {
    const text = `${header}local base = KEYS[1]\n-- include: lib/keys.lua\n`;
    expect(() => includesOf(text, "x.lua")).toThrow(/x\.lua:5: .*belongs at the top/);
  });

  it("are refused when they name the same file twice", () => {
    const text = `${header}-- include: lib/keys.lua\n-- include: lib/keys.lua\n`;
    expect(() => includesOf(text, "x.lua")).toThrow(/lib\/keys\.lua is included twice/);
  });

  it("are refused when they name a file outside scripts/lib", () => {
    expect(() => includesOf("-- include: ../secret.lua\n", "x.lua")).toThrow(/lib\/<name>\.lua/);
    expect(() => includesOf("-- include: keys.lua\n", "x.lua")).toThrow(/lib\/<name>\.lua/);
  });

  it("that form a cycle are refused, naming it", async () => {
    const files: Record<string, string> = {
      "lib/a.lua": "-- include: lib/b.lua\n",
      "lib/b.lua": "-- include: lib/a.lua\n",
    };
    const reader: ScriptFileReader = (path) => Promise.resolve(files[path] ?? "");
    await expect(resolveIncludes(["lib/a.lua"], reader)).rejects.toThrow(
      /cycle: lib\/a\.lua -> lib\/b\.lua -> lib\/a\.lua/,
    );
  });

  it("that name a missing file fail naming it", async () => {
    const files: Record<string, string> = { "x.lua": "-- include: lib/nope.lua\n", "lib/events.lua": "" };
    const reader: ScriptFileReader = (path) =>
      files[path] === undefined ? Promise.reject(new Error("ENOENT")) : Promise.resolve(files[path]);
    await expect(scriptSource("x", reader)).rejects.toThrow(/lua include lib\/nope\.lua cannot be read/);
  });

  it("resolve shared dependencies once, dependencies first", async () => {
    const files: Record<string, string> = {
      "lib/events.lua": "-- include: lib/keys.lua\n",
      "lib/keys.lua": "",
      "lib/top.lua": "-- include: lib/keys.lua\n-- include: lib/events.lua\n",
    };
    const reader: ScriptFileReader = (path) => Promise.resolve(files[path] ?? "");
    expect(await resolveIncludes(["lib/top.lua", "lib/events.lua"], reader)).toEqual([
      "lib/keys.lua",
      "lib/events.lua",
      "lib/top.lua",
    ]);
  });
});
