// The embedded in-process backend: the memory store with its in-process delivery. The default for newcomers
// and the reference semantics for every backend.
import { ComposedBackend } from "../composed-backend.js";
import { MemoryDelivery } from "./memory-delivery.js";
import type { MemoryStoreOptions } from "./memory-options.js";
import { MemoryStore } from "./memory-store.js";

/** Options for {@link MemoryBackend}. */
export type MemoryBackendOptions = MemoryStoreOptions;

/**
 * Jobs in this process's memory: no server, nothing shared between processes, nothing kept across restarts.
 * @example const backend = new MemoryBackend();
 */
export class MemoryBackend extends ComposedBackend {
  constructor(options: MemoryBackendOptions = {}) {
    const store = new MemoryStore(options);
    super(store, new MemoryDelivery(store));
  }
}
