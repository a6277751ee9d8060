import { describe, expect, it } from "vitest";
import { RunningTries } from "../../../src/worker/running-tries.js";

interface Entry {
  lock: { queue: string; id: string };
  slot: number;
}

const entry = (queue: string, id: string): Entry => ({ lock: { queue, id }, slot: -1 });

describe("RunningTries", () => {
  it("keeps every held try findable by its job while others come and go in any order", () => {
    const table = new RunningTries<Entry>();
    const entries = Array.from({ length: 6 }, (_, i) => entry(i % 2 ? "b" : "a", `j${i}`));
    entries.forEach((e) => table.add(e));
    table.remove(entries[0]!);
    table.remove(entries[3]!);
    table.remove(entries[3]!); // twice: a no-op
    expect(table.size).toBe(4);
    expect(new Set(table.all())).toEqual(new Set([entries[1], entries[2], entries[4], entries[5]]));
    for (const held of [entries[1]!, entries[2]!, entries[4]!, entries[5]!]) {
      expect(table.ofJob(held.lock.queue, held.lock.id)).toEqual([held]);
    }
    expect(table.ofJob("a", "j0")).toEqual([]);
    // The same id in another queue is another job.
    expect(table.ofJob("a", "j1")).toEqual([]);
  });

  it("holds two tries of one job (a stalled try claimed again) and removes each on its own", () => {
    const table = new RunningTries<Entry>();
    const first = entry("q", "x");
    const second = entry("q", "x");
    table.add(first);
    table.add(second);
    expect(table.ofJob("q", "x")).toEqual([first, second]);
    table.remove(first);
    expect(table.ofJob("q", "x")).toEqual([second]);
    table.remove(second);
    expect(table.size).toBe(0);
  });
});
