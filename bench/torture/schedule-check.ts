// Schedules: each slot's job is `repeat:<key>:<slot>`. A slot may be missed (reported, not a violation: the
// slot series skips ahead after an outage), but never run twice, never start before its slot, and never
// fall off the `every` grid between startDate and endDate.
import type { Lateness, Violation } from "./checker.js";
import { historyOf, type Observations } from "./observations.js";
import type { Plan } from "./plan-types.js";

/** Slots fired against slots due, per schedule. */
export interface ScheduleFigures {
  key: string;
  every: number;
  expected: number;
  fired: number;
}

/** Checks every slot job of every planned schedule; returns the fired/expected figures. */
export function checkSchedules(
  plan: Plan,
  seen: Observations,
  violations: Violation[],
  lateness: Lateness[],
): ScheduleFigures[] {
  return plan.schedules.map((schedule) => {
    const gridStart = seen.startedAt + schedule.startAt;
    const createdAt = seen.producer.scheduledAt.get(schedule.key) ?? gridStart;
    // The first slot that can fire: on the grid, and after the schedule was created.
    const first =
      gridStart + Math.max(0, Math.ceil((createdAt - gridStart) / schedule.every)) * schedule.every;
    const last = seen.startedAt + schedule.endAt;
    const expected = first > last ? 0 : Math.floor((last - first) / schedule.every) + 1;
    const prefix = `repeat:${schedule.key}:`;
    const ids = new Set([...seen.slotJobs.keys(), ...seen.runs.keys()].filter((id) => id.startsWith(prefix)));
    const report = (id: string, expectedText: string, seenText: string): void => {
      violations.push({
        kind: "schedule",
        id,
        plan: `schedule ${schedule.key} every ${schedule.every} ms`,
        expected: expectedText,
        seen: seenText,
      });
    };
    for (const id of ids) {
      const slot = Number(id.slice(prefix.length));
      const history = historyOf(seen, id);
      const final = seen.slotJobs.get(id);
      if (
        !Number.isInteger(slot) ||
        slot < gridStart ||
        slot > last ||
        (slot - gridStart) % schedule.every !== 0
      ) {
        report(id, `a slot on the grid ${gridStart} + k·${schedule.every} up to ${last}`, `slot ${slot}`);
      }
      if (history.completedEvents > 1)
        report(id, "the slot completes once", `${history.completedEvents} completed events`);
      if (final && final.state !== "completed") report(id, "completed", final.state);
      if (!final) report(id, "the slot's job kept (completed)", "gone");
      const firstTry = history.tries[0];
      if (firstTry && firstTry.start.at < slot)
        report(id, `start >= slot ${slot}`, `started ${slot - firstTry.start.at} ms early`);
      if (firstTry) lateness.push({ category: "slot", ms: firstTry.start.at - slot });
    }
    return { key: schedule.key, every: schedule.every, expected, fired: ids.size };
  });
}
