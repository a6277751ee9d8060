// A one-line live progress bar for the demo (redrawn in place on a TTY, printed every few seconds otherwise).

const BAR_WIDTH = 30;

/** Renders `done/total` as a bar with extra counters. */
export function renderBar(done: number, total: number, extra: string): string {
  const ratio = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(ratio * BAR_WIDTH);
  const bar = "█".repeat(filled) + "░".repeat(BAR_WIDTH - filled);
  return `${bar} ${String(Math.round(ratio * 100)).padStart(3)}%  ${done}/${total}  ${extra}`;
}

/** Draws the bar on stdout: in place on a terminal, as plain lines elsewhere (CI logs). */
export class ProgressBar {
  private lastPlain = 0;
  constructor(private readonly stream: NodeJS.WriteStream = process.stdout) {}

  draw(line: string, final = false): void {
    if (this.stream.isTTY) {
      this.stream.write(`\r${line}\u001b[K${final ? "\n" : ""}`);
      return;
    }
    const now = Date.now();
    if (final || now - this.lastPlain > 2000) {
      this.lastPlain = now;
      this.stream.write(`${line}\n`);
    }
  }
}
