// Turns a seed and a size into a Plan: a random mix of every feature whose outcome the model can know.
import { Prng } from "./prng.js";
import {
  HOLD_DELAY_MS,
  LONG_TTL_MS,
  type Behaviour,
  type Plan,
  type PlanKind,
  type PlannedAction,
  type PlannedJob,
  type PlannedOptions,
  type PlannedUnit,
  type QueueRole,
} from "./plan-types.js";

/** Size and pace of a run. */
export interface PlanSize {
  /** Jobs the producer adds (flow nodes and gated jobs included; schedule slots are extra). */
  jobs: number;
  /** Over how many ms the producer spreads its steps. */
  addWindowMs: number;
}

/** ttl-expire jobs are added in this opening window, then `hold` stays closed for their ttl plus a margin. */
const TTL_ADD_WINDOW_MS = 1_500;
const MAX_EXPIRING_TTL_MS = 1_000;
const HOLD_MARGIN_MS = 2_000;
const SCHEDULE_START_MS = 1_500;
const SCHEDULE_WINDOW_MS = 6_000;

/** How often each kind of producer step is drawn. */
const UNIT_WEIGHTS = {
  plain: 24,
  flaky: 14,
  doomed: 5,
  unrecoverable: 4,
  delayed: 10,
  "ttl-long": 3,
  "ttl-expire": 3,
  "remove-on-complete": 4,
  "held-cancel": 4,
  "held-remove": 3,
  gate: 8,
  flow: 12,
  dependant: 6,
} as const;

/** Builds the plan for `seed`; the same seed and size always give the same plan. */
export function generatePlan(seed: number, size: PlanSize): Plan {
  const random = new Prng(seed);
  const builder = new PlanBuilder(random, size.addWindowMs);
  while (builder.count < size.jobs) builder.addUnit(random.weighted(UNIT_WEIGHTS));
  builder.units.sort((a, b) => a.at - b.at);
  builder.actions.sort((a, b) => a.at - b.at);
  const scheduleEnd = SCHEDULE_START_MS + Math.min(SCHEDULE_WINDOW_MS, size.addWindowMs);
  return {
    seed,
    jobs: builder.jobs,
    units: builder.units,
    actions: builder.actions,
    schedules: [
      { key: "every-300", every: 300, startAt: SCHEDULE_START_MS, endAt: scheduleEnd },
      { key: "every-1100", every: 1_100, startAt: SCHEDULE_START_MS + 100, endAt: scheduleEnd },
    ],
    holdOpensAt: TTL_ADD_WINDOW_MS + MAX_EXPIRING_TTL_MS + HOLD_MARGIN_MS,
    addWindowMs: size.addWindowMs,
  };
}

class PlanBuilder {
  readonly jobs = new Map<string, PlannedJob>();
  readonly units: PlannedUnit[] = [];
  readonly actions: PlannedAction[] = [];
  /** Jobs whose outcome does not hang on a later action, so a dependant may name them. */
  private readonly dependable: PlannedJob[] = [];
  /** When each job's unit is added: a dependant names only jobs added before it (a lookup, not a scan). */
  private readonly addedAt = new Map<string, number>();

  constructor(
    private readonly random: Prng,
    private readonly windowMs: number,
  ) {}

  get count(): number {
    return this.jobs.size;
  }

  addUnit(kind: keyof typeof UNIT_WEIGHTS): void {
    const at = this.random.int(0, this.windowMs);
    switch (kind) {
      case "flow":
        return this.addFlow(at);
      case "gate":
        return this.addGate(at);
      case "ttl-expire": {
        const job = this.job("ttl-expire", "hold", this.behaviour("plain"), {
          ttl: this.random.int(200, MAX_EXPIRING_TTL_MS),
        });
        this.pushUnit({
          kind: "bulk",
          at: this.random.int(0, TTL_ADD_WINDOW_MS),
          queue: "hold",
          jobs: [job.id],
        });
        return;
      }
      case "held-cancel":
      case "held-remove": {
        const job = this.job(kind, "main", this.behaviour("plain"), { delay: HOLD_DELAY_MS });
        this.pushUnit({ kind: "bulk", at, queue: "main", jobs: [job.id] });
        this.act(at, kind === "held-cancel" ? "cancel" : "remove", job.id);
        return;
      }
      case "dependant":
        return this.addDependant(at);
      default: {
        const queue: QueueRole =
          kind === "remove-on-complete" ? "trim" : this.random.chance(0.2) ? "side" : "main";
        const behaviour = this.behaviour(kind === "delayed" ? this.random.pick(["plain", "flaky"]) : kind);
        const job = this.job(kind, queue, behaviour, this.extraOptions(kind));
        if (kind !== "remove-on-complete") this.dependable.push(job);
        this.pushUnit({ kind: "bulk", at, queue, jobs: [job.id] });
      }
    }
  }

  /** A parent in `side` (another queue than most children) over 1–3 children. */
  private addFlow(at: number): void {
    const parent = this.job("flow-parent", "side", this.behaviour("plain"), {});
    const children = Array.from({ length: this.random.int(1, 3) }, () => {
      const kind = this.random.weighted({ plain: 6, flaky: 3, doomed: 1 });
      const child = this.job("flow-child", this.random.chance(0.7) ? "main" : "side", this.behaviour(kind), {
        ...this.extraOptions(kind),
        ...(kind === "doomed" && this.random.chance(0.5) ? { ignoreDependencyOnFailure: true } : {}),
      });
      return child.id;
    });
    parent.dependsOn = children;
    this.pushUnit({ kind: "flow", at, parent: parent.id, children });
  }

  /** A held gate and 1–3 jobs waiting on it; later the gate is cancelled, removed or promoted. */
  private addGate(at: number): void {
    const failParent = this.random.chance(0.7);
    const gate = this.job("gate", "main", this.behaviour("plain"), {
      delay: HOLD_DELAY_MS,
      ...(failParent ? {} : { ignoreDependencyOnFailure: true }),
    });
    const gated = Array.from({ length: this.random.int(1, 3) }, () => {
      const job = this.job(
        "gated",
        "main",
        this.behaviour(this.random.pick(["plain", "flaky"] as const)),
        {},
      );
      job.dependsOn = [gate.id];
      return job.id;
    });
    this.pushUnit({ kind: "bulk", at, queue: "main", jobs: [gate.id, ...gated] });
    this.act(at, this.random.pick(["cancel", "remove", "promote"] as const), gate.id);
  }

  /** A job that waits for 1–2 earlier jobs, possibly in the other queue. */
  private addDependant(at: number): void {
    const earlier = this.dependable.filter((job) => this.unitAt(job.id) < at);
    const queue: QueueRole = this.random.chance(0.5) ? "side" : "main";
    // Some dependants are also delayed: their due time is the later of the delay and their dependencies.
    const delay = this.random.chance(0.15) ? { delay: this.random.int(100, 2_000) } : {};
    const job = this.job("dependant", queue, this.behaviour("plain"), delay);
    if (earlier.length > 0) {
      const picks = new Set([this.random.pick(earlier).id, this.random.pick(earlier).id]);
      job.dependsOn = [...picks];
    }
    this.pushUnit({ kind: "bulk", at, queue, jobs: [job.id] });
  }

  private unitAt(id: string): number {
    return this.addedAt.get(id) ?? 0;
  }

  /** Adds a unit, remembering when each of its jobs is added (the first unit naming a job wins). */
  private pushUnit(unit: PlannedUnit): void {
    this.units.push(unit);
    const ids = unit.kind === "bulk" ? unit.jobs : [unit.parent];
    for (const id of ids) if (!this.addedAt.has(id)) this.addedAt.set(id, unit.at);
  }

  /** The action comes 0.3–3 s after the add, so it lands while the run is busy. */
  private act(at: number, kind: PlannedAction["kind"], target: string): void {
    this.actions.push({ at: at + this.random.int(300, 3_000), kind, target });
  }

  private job(
    kind: PlanKind,
    queue: QueueRole,
    behaviour: Behaviour,
    extra: Partial<PlannedOptions>,
  ): PlannedJob {
    const id = `j${this.jobs.size + 1}`;
    const attempts = this.attemptsFor(behaviour);
    const opts: PlannedOptions = { attempts, ...this.retryOptions(attempts), ...extra };
    if (this.random.chance(0.3)) opts.priority = this.random.int(1, 10);
    const job: PlannedJob = { id, kind, queue, behaviour, opts, dependsOn: [] };
    this.jobs.set(id, job);
    return job;
  }

  /**
   * Tries are keyed to `job.attemptsMade`, which also counts tries lost to a stall, so a stall never turns a
   * planned success into a failure or back: flaky jobs get attempts > failThrough, doomed ones always throw.
   */
  private behaviour(kind: string): Behaviour {
    const runMs = this.random.chance(0.1) ? this.random.int(300, 2_500) : this.random.int(0, 30);
    switch (kind) {
      case "flaky":
        return { runMs, failThrough: this.random.int(1, 3) };
      case "doomed":
        return { runMs, failThrough: Number.MAX_SAFE_INTEGER };
      case "unrecoverable": {
        const from = this.random.int(1, 2);
        return { runMs, failThrough: from - 1, unrecoverableFrom: from };
      }
      default:
        return { runMs, failThrough: 0 };
    }
  }

  private attemptsFor(behaviour: Behaviour): number {
    if (behaviour.unrecoverableFrom !== undefined) return behaviour.unrecoverableFrom + this.random.int(1, 3);
    if (behaviour.failThrough === Number.MAX_SAFE_INTEGER) return this.random.int(1, 3);
    if (behaviour.failThrough > 0) return behaviour.failThrough + this.random.int(1, 2);
    return this.random.int(1, 2);
  }

  /** No backoff (retry at once), fixed, or exponential. */
  private retryOptions(attempts: number): Partial<PlannedOptions> {
    if (attempts < 2) return {};
    const type = this.random.weighted({ none: 3, fixed: 2, exponential: 2 });
    if (type === "none") return {};
    return { backoff: { type, delay: this.random.int(100, 1_200) } };
  }

  private extraOptions(kind: string): Partial<PlannedOptions> {
    switch (kind) {
      case "delayed":
        return { delay: this.random.int(200, 4_000) };
      case "ttl-long":
        return { ttl: LONG_TTL_MS };
      case "remove-on-complete":
        return { removeOnComplete: true };
      default:
        return this.random.chance(0.1) ? { delay: this.random.int(50, 1_500) } : {};
    }
  }
}
