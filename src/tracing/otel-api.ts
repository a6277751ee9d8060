// @opentelemetry/api is an optional peer dependency: it is imported once, when the first Queue, Worker or
// FlowProducer is made, never when Warren itself is imported. When the import fails (the package is not
// installed) tracing stays off for the life of the process, at the cost of one check per operation.
import type * as OpenTelemetry from "@opentelemetry/api";
import { defaultLogger } from "../logging/default-logger.js";

/** The OpenTelemetry API module. */
export type OtelApi = typeof OpenTelemetry;

/** Imports the API at most once and remembers the outcome. */
export class OtelApiLoader {
  private api: OtelApi | null | undefined;
  private loading: Promise<OtelApi | null> | undefined;

  constructor(private readonly importApi: () => Promise<OtelApi>) {}

  /** The API once its import has settled: the module, or null when it could not be imported; undefined before. */
  get settled(): OtelApi | null | undefined {
    return this.api;
  }

  /** Starts the import the first time; resolves with the module, or null (never rejects). */
  load(): Promise<OtelApi | null> {
    this.loading ??= this.importApi().then(
      (api) => (this.api = api),
      (error: unknown) => {
        // Not installed is the normal way to run without tracing; anything else is a broken install.
        if ((error as { code?: unknown }).code !== "ERR_MODULE_NOT_FOUND") {
          defaultLogger().warn({ err: error }, "@opentelemetry/api failed to load; tracing is off");
        }
        return (this.api = null);
      },
    );
    return this.loading;
  }
}

const shared = new OtelApiLoader(() => import("@opentelemetry/api"));

/** The process's API: the module, null when it is not installed, undefined until {@link loadOtelApi} settles. */
export function settledOtelApi(): OtelApi | null | undefined {
  return shared.settled;
}

/** Imports the API (once per process); see {@link OtelApiLoader.load}. */
export function loadOtelApi(): Promise<OtelApi | null> {
  return shared.load();
}

/** What the API hands out when no SDK has registered a tracer provider, per API module (there is one). */
const noopProviders = new WeakMap<OtelApi, OpenTelemetry.TracerProvider>();

/**
 * Whether spans could be recorded or propagated: an SDK registered a tracer provider, or the caller's context
 * carries a span (propagation-only setups pass a remote parent on). Without either, every span is the API's
 * no-op and a traced try would only pay for building it (~1 KB of garbage per job with the API installed).
 */
export function tracingWanted(api: OtelApi, carried: boolean): boolean {
  if (carried) return true;
  const provider = api.trace.getTracerProvider();
  // The API's global provider is always its proxy; anything else was registered by hand and is taken as real.
  if (!(provider instanceof api.ProxyTracerProvider)) return true;
  let noop = noopProviders.get(api);
  if (noop === undefined) noopProviders.set(api, (noop = new api.ProxyTracerProvider().getDelegate()));
  return provider.getDelegate() !== noop;
}
