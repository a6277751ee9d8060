// Copies the Lua scripts and SQL files next to the compiled modules in dist/, keeping their paths.
import { cpSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const SOURCE = "src";
const TARGET = "dist";
const ASSET = /\.(lua|sql)$/;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? walk(path) : ASSET.test(entry) ? [path] : [];
  });
}

const assets = walk(SOURCE);
for (const file of assets) cpSync(file, join(TARGET, relative(SOURCE, file)));
console.log(`copied ${assets.length} script and SQL files into ${TARGET}/`);
