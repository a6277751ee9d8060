// Slot arithmetic: intervals continue their series and skip missed slots; cron honours seconds, time zones
// and DST; bounds end a schedule.
import { describe, expect, it } from "vitest";
import { SlotCalculator, type ScheduleTiming } from "../../../src/schedules/schedule-timing.js";

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const timing = (over: Partial<ScheduleTiming>): ScheduleTiming => ({
  every: undefined,
  cron: undefined,
  tz: undefined,
  startDate: undefined,
  endDate: undefined,
  ...over,
});

describe("SlotCalculator", () => {
  it("an interval's first slot is one interval away, or now when immediate, or its start date", () => {
    expect(new SlotCalculator(timing({ every: 1000 })).first(T0, false)).toBe(T0 + 1000);
    expect(new SlotCalculator(timing({ every: 1000 })).first(T0, true)).toBe(T0);
    expect(new SlotCalculator(timing({ every: 1000, startDate: T0 + 5500 })).first(T0, true)).toBe(T0 + 5500);
    // A start in the past keeps the series aligned to it.
    expect(new SlotCalculator(timing({ every: 1000, startDate: T0 - 2500 })).first(T0, false)).toBe(T0 + 500);
  });

  it("after a late pass an interval skips to the first slot after now, on its own series", () => {
    const calc = new SlotCalculator(timing({ every: 1000 }));
    expect(calc.after(T0 + 10, T0)).toBe(T0 + 1000);
    expect(calc.after(T0 + 4200, T0)).toBe(T0 + 5000);
    expect(calc.after(T0 + 5000, T0)).toBe(T0 + 6000);
  });

  it("cron reads a seconds field and its time zone", () => {
    const everyFive = new SlotCalculator(timing({ cron: "*/5 * * * * *" }));
    expect(everyFive.after(T0 + 3000, T0)).toBe(T0 + 5000);
    const oslo = new SlotCalculator(timing({ cron: "0 9 * * *", tz: "Europe/Oslo" }));
    // 09:00 in Oslo in January is 08:00 UTC.
    expect(new Date(oslo.first(T0, false)!).toISOString()).toBe("2026-01-02T08:00:00.000Z");
  });

  it("cron across a DST change: the wall-clock time holds and a skipped hour runs once, not never", () => {
    const daily = new SlotCalculator(timing({ cron: "0 9 * * *", tz: "Europe/Oslo" }));
    // Oslo moves to summer time on 2026-03-29: 09:00 is 08:00 UTC before and 07:00 UTC after.
    expect(new Date(daily.after(Date.UTC(2026, 2, 28, 10), 0)!).toISOString()).toBe(
      "2026-03-29T07:00:00.000Z",
    );
    const skipped = new SlotCalculator(timing({ cron: "30 2 * * *", tz: "Europe/Oslo" }));
    const slot = skipped.after(Date.UTC(2026, 2, 28, 12), 0)!;
    expect(slot).toBeGreaterThan(Date.UTC(2026, 2, 28, 12));
    expect(slot).toBeLessThan(Date.UTC(2026, 2, 30));
  });

  it("no slot falls after the end date", () => {
    const calc = new SlotCalculator(timing({ every: 1000, endDate: T0 + 2000 }));
    expect(calc.after(T0 + 1000, T0 + 1000)).toBe(T0 + 2000);
    expect(calc.after(T0 + 2000, T0 + 2000)).toBeUndefined();
  });
});
