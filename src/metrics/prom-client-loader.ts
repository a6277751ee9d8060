// prom-client is an optional peer: loaded on the first collectMetrics call, so a process that never collects
// metrics never needs it installed, and one that does gets a clear error when it is missing.
import { createRequire } from "node:module";
import type * as PromClient from "prom-client";
import { UnsupportedError } from "../errors/warren-error.js";

/** prom-client's module, as the metrics use it. */
export type PromClientModule = typeof PromClient;

let loaded: PromClientModule | undefined;

/** prom-client, from the application's install; UnsupportedError when it is not installed. */
export function loadPromClient(): PromClientModule {
  if (loaded) return loaded;
  try {
    loaded = createRequire(import.meta.url)("prom-client") as PromClientModule;
  } catch (error) {
    throw new UnsupportedError(
      "warren/metrics needs prom-client: install it with `npm install prom-client` (version 15)",
      { cause: error },
    );
  }
  return loaded;
}
