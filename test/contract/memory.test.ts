import { MemoryBackend } from "../../src/index.js";
import { defineContractSuite } from "./contract-suite.js";

defineContractSuite({ name: "memory", create: () => new MemoryBackend() });
