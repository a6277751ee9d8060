import { describe, expect, it } from "vitest";
import { progressBar } from "../../../src/cli/progress-bar.js";

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; written: string[] } {
  const written: string[] = [];
  const stream = {
    isTTY,
    write: (text: string) => {
      written.push(text);
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe("progressBar", () => {
  it("draws on a terminal and clears its line when finished", () => {
    const { stream, written } = fakeStream(true);
    const bar = progressBar("replaying", 1000, 500, stream);
    bar.update(500);
    bar.finish();
    expect(written[0]).toMatch(/^\rreplaying \[ {30}\] 0\/1000$/);
    expect(written[1]).toMatch(/^\rreplaying \[#{15} {15}\] 500\/1000$/);
    expect(written[2]).toBe("\r\u001b[2K");
  });

  it("draws nothing when the stream is not a terminal, or the work is small", () => {
    for (const [isTTY, total] of [
      [false, 1000],
      [true, 10],
    ] as const) {
      const { stream, written } = fakeStream(isTTY);
      const bar = progressBar("replaying", total, 500, stream);
      bar.update(total);
      bar.finish();
      expect(written).toEqual([]);
    }
  });
});
