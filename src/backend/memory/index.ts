// The memory backend's public names.
export { MemoryBackend, type MemoryBackendOptions } from "./memory-backend.js";
export { MemoryStore, type MemoryStoreOptions } from "./memory-store.js";
