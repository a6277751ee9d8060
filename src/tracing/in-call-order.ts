// Adds must reach the backend in the order they were made (FIFO within a priority starts there). An add that
// has to wait for the API's import must therefore not be overtaken by a later add that finds it loaded: until
// the import settles, calls queue up, and they then run one after another in the same turn, in call order.
import { loadOtelApi, settledOtelApi, tracingWanted, type OtelApi } from "./otel-api.js";

/** Calls made before the import settled, in call order; undefined when none waits. */
let queued: Array<(api: OtelApi | null) => void> | undefined;

/**
 * The API when a call may use it at once (its import settled, no earlier call waits): the module, or null when it
 * is not installed or nothing would be traced (no SDK, no span in the caller's context). Undefined means "go
 * through {@link withOtelInCallOrder}". The hot path's one check.
 */
export function readyOtelApi(): OtelApi | null | undefined {
  if (queued !== undefined) return undefined;
  const api = settledOtelApi();
  if (!api) return api;
  return tracingWanted(api, api.trace.getSpan(api.context.active()) !== undefined) ? api : null;
}

/**
 * Runs `call` with the API (null when it is not installed): at once when its import has settled and no earlier
 * call still waits, else as soon as it settles, after the calls queued before it.
 */
export function withOtelInCallOrder<T>(call: (api: OtelApi | null) => Promise<T>): Promise<T> {
  const api = readyOtelApi();
  if (api !== undefined) return call(api);
  return new Promise<T>((resolve, reject) => {
    if (queued === undefined) {
      const waiting: Array<(api: OtelApi | null) => void> = (queued = []);
      void loadOtelApi().then((loaded) => {
        // A call that adds again while this runs joins the end of the list, so it still runs after the others.
        for (const run of waiting) run(loaded);
        queued = undefined;
      });
    }
    queued.push((loaded) => {
      try {
        call(loaded).then(resolve, reject);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}
