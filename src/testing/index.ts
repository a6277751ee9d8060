// The public test kit (`warren/testing`): deterministic time and waiting helpers for users' own tests.
export { FakeClock } from "./fake-clock.js";
export { waitFor, type WaitForOptions } from "./wait-for.js";
