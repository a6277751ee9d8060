// The memory backend's public names.
export { MemoryBackend, type MemoryBackendOptions } from "./memory-backend.js";
