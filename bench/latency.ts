// Add→start latency at a fixed rate, shared by Warren's systems and the peers: jobs are added one by one at
// `rate` per second for `seconds` (not awaited in turn, as a real producer would not), each carrying its send
// time; the worker records start − send. The figure is the p50 and p99 of those delays in ms.

/** The fixed rate and duration every system is measured at. */
export const LATENCY_RATE = 1_000;
export const LATENCY_SECONDS = 10;

/** Wall-clock ms with sub-ms precision, comparable inside one process. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Sends `rate × seconds` adds on schedule; `add` gets the send time to put in the job. */
export async function paceAdds(
  rate: number,
  seconds: number,
  add: (sentAt: number) => Promise<unknown>,
): Promise<void> {
  const total = rate * seconds;
  const started = performance.now();
  const pending: Array<Promise<unknown>> = [];
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
    for (; sent < due; sent++) pending.push(add(nowMs()));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(pending);
}

/** Collects start delays; resolves once `expected` jobs have started. */
export class LatencyRecorder {
  private readonly delays: number[] = [];
  private resolveAll!: () => void;
  readonly allStarted: Promise<void>;

  constructor(private readonly expected: number) {
    this.allStarted = new Promise((resolve) => (this.resolveAll = resolve));
  }

  /** Call as the processor starts, with the job's send time. */
  started(sentAt: number): void {
    this.delays.push(nowMs() - sentAt);
    if (this.delays.length === this.expected) this.resolveAll();
  }

  percentiles(): { p50: number; p99: number } {
    const sorted = [...this.delays].sort((a, b) => a - b);
    const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return { p50: at(0.5), p99: at(0.99) };
  }
}
