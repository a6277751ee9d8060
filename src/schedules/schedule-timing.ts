// When a schedule's slots fall: fixed intervals, or cron (croner: seconds field, IANA zones, DST-correct).
import { Cron } from "croner";
import { ValidationError } from "../errors/warren-error.js";

/** The timing part of a schedule. Times are ms since the epoch. */
export interface ScheduleTiming {
  every: number | undefined;
  cron: string | undefined;
  tz: string | undefined;
  startDate: number | undefined;
  endDate: number | undefined;
}

/** A compiled timing: answers "which slot comes after t". */
export class SlotCalculator {
  private readonly cron: Cron | undefined;

  constructor(private readonly timing: ScheduleTiming) {
    this.cron = timing.cron === undefined ? undefined : compileCron(timing.cron, timing.tz);
  }

  /** The schedule's first slot when created at `now`: now itself when `immediately`. */
  first(now: number, immediately: boolean): number | undefined {
    const start = this.timing.startDate;
    if (immediately && (start === undefined || start <= now)) return this.withinEnd(now);
    if (start !== undefined && start > now) {
      // A start date is itself the first slot for intervals; cron takes the first match at or after it.
      return this.withinEnd(this.cron ? this.cronAfter(start - 1) : start);
    }
    return this.after(now, start ?? now);
  }

  /**
   * The first slot strictly after `now`, continuing the series that contains `slot`. Slots missed in
   * between (every worker was down) are skipped: a schedule fires once on recovery, not once per miss.
   */
  after(now: number, slot: number): number | undefined {
    if (this.cron) return this.withinEnd(this.cronAfter(now));
    const every = this.timing.every!;
    const steps = Math.floor((now - slot) / every) + 1;
    return this.withinEnd(slot + Math.max(1, steps) * every);
  }

  private cronAfter(time: number): number | undefined {
    return this.cron!.nextRun(new Date(time))?.getTime();
  }

  private withinEnd(slot: number | undefined): number | undefined {
    if (slot === undefined) return undefined;
    return this.timing.endDate !== undefined && slot > this.timing.endDate ? undefined : slot;
  }
}

/** Parses a cron pattern once; a bad pattern or time zone is a ValidationError naming what to fix. */
export function compileCron(pattern: string, tz: string | undefined): Cron {
  if (tz !== undefined && !isTimeZone(tz)) {
    throw new ValidationError(
      "INVALID_OPTION",
      `unknown time zone ${JSON.stringify(tz)}; use an IANA name such as "Europe/Oslo" or "UTC"`,
    );
  }
  // croner also accepts an ISO date as a one-shot "pattern"; a schedule must recur, so require fields.
  const fields = pattern.trim().split(/\s+/).length;
  let cron: Cron | undefined;
  let problem = "";
  if (fields >= 5 && fields <= 7) {
    try {
      cron = new Cron(pattern, { paused: true, ...(tz === undefined ? {} : { timezone: tz }) });
    } catch (error) {
      problem = `: ${(error as Error).message}`;
    }
  }
  if (!cron) {
    throw new ValidationError(
      "INVALID_CRON",
      `invalid cron pattern ${JSON.stringify(pattern)}${problem}; use 5 fields (minute hour day month weekday) ` +
        `or 6 with seconds first, e.g. "*/10 * * * * *"`,
    );
  }
  if (cron.nextRun(new Date(0)) === null && cron.nextRun() === null) {
    throw new ValidationError("INVALID_CRON", `cron pattern ${JSON.stringify(pattern)} never matches a date`);
  }
  return cron;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
