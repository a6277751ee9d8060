import { describe, expect, it } from "vitest";
import type { FinishStatus, Outcome } from "../../../src/backend/records.js";
import { FastFinishGate } from "../../../src/backend/postgres/finish-fast.js";

const completed = (queue: string, id: string): Outcome => ({
  kind: "completed",
  lock: { queue, id, token: "t" },
  returnValue: undefined,
  finishedAt: 0,
});

describe("FastFinishGate", () => {
  it("offers only completions, and skips a queue for 100 calls after a call in which it deleted nothing", () => {
    const gate = new FastFinishGate();
    const kept = completed("kept", "1");
    const dropped = completed("dropped", "2");
    const failed: Outcome = {
      kind: "cancelled",
      lock: { queue: "dropped", id: "3", token: "t" },
      reason: "x",
      finishedAt: 0,
    };
    const offered = gate.candidates([kept, dropped, failed]);
    expect(offered).toEqual([kept, dropped]);
    gate.update(offered, new Map<Outcome, FinishStatus>([[dropped, "ok"]]));
    for (let call = 0; call < 100; call++) {
      expect(gate.candidates([completed("kept", "x"), dropped])).toEqual([dropped]);
    }
    const again = completed("kept", "y");
    expect(gate.candidates([again])).toEqual([again]);
  });
});
