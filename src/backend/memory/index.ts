// The memory backend's public names.
export { MemoryBackend, type MemoryBackendOptions } from "./memory-backend.js";
export { MemoryStore } from "./memory-store.js";
export type { MemoryStoreOptions } from "./memory-options.js";
