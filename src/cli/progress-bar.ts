// A one-line progress bar on stderr for long CLI operations: drawn only on a terminal, so pipes and logs
// (and stdout, which carries the result) never see it.

/** Width of the bar itself, in characters. */
const BAR_WIDTH = 30;

/** What a long operation reports its progress to. */
export interface Progress {
  /** `done` of the total are finished. */
  update(done: number): void;
  /** Clears the line. */
  finish(): void;
}

const SILENT: Progress = { update: () => undefined, finish: () => undefined };

/**
 * A bar over `total` steps on `stream`, or one that draws nothing when the stream is not a terminal or the
 * work is too small to need one (fewer than `minimum` steps).
 */
export function progressBar(
  label: string,
  total: number,
  minimum: number,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  if (!stream.isTTY || total < minimum) return SILENT;
  const draw = (done: number): void => {
    const filled = Math.round((Math.min(done, total) / total) * BAR_WIDTH);
    stream.write(`\r${label} [${"#".repeat(filled)}${" ".repeat(BAR_WIDTH - filled)}] ${done}/${total}`);
  };
  draw(0);
  return {
    update: draw,
    finish: () => stream.write("\r\u001b[2K"),
  };
}
