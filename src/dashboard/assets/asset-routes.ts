// The files the pages load, all served by the handler itself (no CDN): the client script, the stylesheet and
// uPlot's build from node_modules. Their URLs carry a version, so they are cached for good.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { CLIENT_SCRIPT } from "./client-script.js";
import { STYLESHEET } from "./stylesheet.js";

/** One served file. */
export interface Asset {
  contentType: string;
  body: string;
}

function uplotFile(name: string): string {
  const entry = createRequire(import.meta.url).resolve("uplot");
  return readFileSync(join(dirname(entry), name), "utf8");
}

let uplot: { js: string; css: string } | undefined;

function uplotAssets(): { js: string; css: string } {
  uplot ??= { js: uplotFile("uPlot.iife.min.js"), css: uplotFile("uPlot.min.css") };
  return uplot;
}

/** Changes whenever a served file does, so a new release is never hidden behind a cached one. */
export const ASSET_VERSION = createHash("sha256")
  .update(CLIENT_SCRIPT)
  .update(STYLESHEET)
  .digest("hex")
  .slice(0, 12);

/** The asset named `name` (`client.js`, `style.css`, `uplot.js`, `uplot.css`), or undefined. */
export function findAsset(name: string): Asset | undefined {
  switch (name) {
    case "client.js":
      return { contentType: "text/javascript; charset=utf-8", body: CLIENT_SCRIPT };
    case "style.css":
      return { contentType: "text/css; charset=utf-8", body: STYLESHEET };
    case "uplot.js":
      return { contentType: "text/javascript; charset=utf-8", body: uplotAssets().js };
    case "uplot.css":
      return { contentType: "text/css; charset=utf-8", body: uplotAssets().css };
    default:
      return undefined;
  }
}
