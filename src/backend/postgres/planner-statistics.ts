// Keeps the planner's view of the jobs table current when autovacuum does not (turned off, as on some CI and
// test servers, or lagging behind a hot table). Every connection plans its prepared statements once; a plan
// made while the table was empty is a sequential scan, and nothing but an ANALYZE makes the connection plan
// again. Measured: a producer connection fell from ~370 adds/s to 25 as the table grew to 65,000 rows with
// autovacuum off, each id lookup scanning the table (40 ms); one ANALYZE brought it back at once.
import type { Logger } from "../../logging/logger.js";
import type { PgSession } from "./pg-session.js";

/** At most one check per store this often: the check is one catalog read, the ANALYZE samples the table. */
const CHECK_EVERY_MS = 60_000;
/**
 * Analyze when this many rows changed since the last one, plus this share of the live rows: twice
 * autovacuum's own default trigger (50 + 10 %), so a server whose autovacuum keeps up never sees it act.
 */
const CHANGED_BASE = 1_000;
const CHANGED_SHARE = 0.2;

interface JobsStatistics {
  changed: string | number | null;
  live: string | number | null;
  analyzed_ago: number | null;
}

/** Runs from maintenance passes: analyzes the jobs table when its statistics lag far behind. */
export class PlannerStatistics {
  private checkedAt = Number.NEGATIVE_INFINITY;
  private running: Promise<boolean> | undefined;

  constructor(
    private readonly session: Pick<PgSession, "query">,
    private readonly logger: Logger,
  ) {}

  /**
   * Checks (at most once per minute, real time `now`); resolves true when it analyzed the table. Never rejects:
   * a failed check is logged at debug and tried again a minute later.
   */
  keepCurrent(now: number): Promise<boolean> {
    if (this.running || now - this.checkedAt < CHECK_EVERY_MS) return this.running ?? Promise.resolve(false);
    this.checkedAt = now;
    this.running = this.check()
      .catch((error: unknown) => {
        this.logger.debug({ err: error }, "could not check the jobs table's planner statistics");
        return false;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async check(): Promise<boolean> {
    const [row] = await this.session.query<JobsStatistics>("jobs_statistics", []);
    if (!row) return false;
    const changed = Number(row.changed ?? 0);
    const live = Number(row.live ?? 0);
    if (changed < CHANGED_BASE + CHANGED_SHARE * live) return false;
    await this.session.query("analyze_jobs", []);
    this.logger.info(
      { changed, live, analyzedAgoSeconds: row.analyzed_ago },
      "analyzed the jobs table: its planner statistics lagged far behind (is autovacuum off or behind?)",
    );
    return true;
  }
}
