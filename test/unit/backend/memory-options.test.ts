// MemoryStore's (and MemoryBackend's) options are checked at construction: an unknown key or a clock that is not
// one is refused by name, and the system clock is the frozen default.
import { describe, expect, it } from "vitest";
import { MemoryBackend, MemoryStore, type MemoryStoreOptions } from "../../../src/backend/memory/index.js";
import {
  MEMORY_STORE_DEFAULTS,
  resolveMemoryStoreOptions,
} from "../../../src/backend/memory/memory-options.js";
import { systemClock } from "../../../src/core/clock.js";
import { refusedWith } from "../../helpers/refusal.js";
import { FakeClock } from "../../../src/testing/index.js";

const refusal = (build: () => unknown) => refusedWith("INVALID_OPTION", build);

describe("memory store options", () => {
  it("an unknown option is refused with INVALID_OPTION, naming it, by the store and by the backend", () => {
    const options = { clok: new FakeClock() } as MemoryStoreOptions;
    expect(refusal(() => new MemoryStore(options)).message).toContain("unknown option clok");
    expect(refusal(() => new MemoryBackend(options)).message).toContain("check the spelling");
  });

  it.each([
    [{ clock: Date }, /clock must be a Clock \{ now\(\), sleep\(ms, signal\) \}/],
    [{ clock: { now: (): number => 0 } }, /clock must be a Clock/],
    [{ clock: "system" }, /clock must be a Clock/],
  ])("%j is refused: a clock needs now() and sleep()", (options, message) => {
    expect(refusal(() => resolveMemoryStoreOptions(options as MemoryStoreOptions)).message).toMatch(message);
  });

  it("options that are not an object are refused", () => {
    expect(refusal(() => resolveMemoryStoreOptions(null as never)).message).toContain("must be an object");
  });

  it("the clock defaults to the system clock (left out or undefined); the result and the defaults are frozen", () => {
    expect(resolveMemoryStoreOptions().clock).toBe(systemClock);
    expect(resolveMemoryStoreOptions({ clock: undefined }).clock).toBe(systemClock);
    expect(MEMORY_STORE_DEFAULTS.clock).toBe(systemClock);
    expect(Object.isFrozen(resolveMemoryStoreOptions())).toBe(true);
    expect(Object.isFrozen(MEMORY_STORE_DEFAULTS)).toBe(true);
  });

  it("a given clock is the store's clock", async () => {
    const clock = new FakeClock();
    expect(resolveMemoryStoreOptions({ clock }).clock).toBe(clock);
    const backend = new MemoryBackend({ clock });
    expect(backend.clock).toBe(clock);
    await backend.close();
  });
});
